import { createDemoAccount } from "../../db/demo-data.js";
import { configFrom, parseCommand, positiveInteger, withSecrets } from "../options.js";

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { events: { type: "string" } });
  const events = positiveInteger("events", values.events as string | undefined, 500);
  await withSecrets(configFrom(values), async ({ db }, secrets) => {
    const demo = await createDemoAccount(db, secrets, events, Date.now() % 2 ** 31);
    console.log(
      JSON.stringify({ account_id: demo.accountId, access_token_id: demo.accessTokenId, events }),
    );
  });
}

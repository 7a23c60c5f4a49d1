import { createDemoAccount } from "../../db/demo-data.js";
import { configFrom, parseCommand, positiveInteger, withDatabase } from "../options.js";

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { events: { type: "string" } });
  const events = positiveInteger("events", values.events as string | undefined, 500);
  await withDatabase(configFrom(values), async ({ db }) => {
    const demo = await createDemoAccount(db, events, Date.now() % 2 ** 31);
    console.log(
      JSON.stringify({ account_id: demo.accountId, access_token_id: demo.accessTokenId, events }),
    );
  });
}

import { createDemo } from "../demo-account.js";
import { configFrom, parseCommand, positiveInteger, withSecrets } from "../options.js";

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { events: { type: "string" } });
  const answers = positiveInteger("events", values.events as string | undefined, 500);
  const config = configFrom(values);
  await withSecrets(config, async ({ db }, secrets) => {
    const demo = await createDemo(config, db, secrets, { answers, seed: Date.now() % 2 ** 31 });
    console.log(
      JSON.stringify({
        account_id: demo.accountId,
        access_token_id: demo.accessTokenId,
        events: answers,
      }),
    );
  });
}

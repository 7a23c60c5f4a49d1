import { seedDemoEvents } from "../../db/demo-data.js";
import { createAccountsRepository } from "../../db/repositories/accounts.js";
import { configFrom, parseCommand, positiveInteger, withDatabase } from "../options.js";

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { events: { type: "string" } });
  const events = positiveInteger("events", values.events as string | undefined, 500);
  await withDatabase(configFrom(values), async ({ db }) => {
    const { account, accessTokenId } = await createAccountsRepository(db).create("Demo SaaS");
    await seedDemoEvents(db, account.id, events, Date.now() % 2 ** 31);
    console.log(JSON.stringify({ account_id: account.id, access_token_id: accessTokenId, events }));
  });
}

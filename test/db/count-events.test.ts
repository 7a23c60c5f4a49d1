import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { seedDemoEvents } from "../../src/db/demo-data.js";
import { countEvents, type EventSearch, searchEvents } from "../../src/db/queries/search-events.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createEventsRepository } from "../../src/db/repositories/events.js";
import { createReasonsRepository } from "../../src/db/repositories/reasons.js";
import { createTestDatabase } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";

let database: DatabaseHandle;
let accountId: string;
let reasonIds: string[];

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  accountId = (await createAccountsRepository(db, { secrets: testSecrets }).create("Counted"))
    .account.id;
  // A history with every kind, test events and many days; then an install check.
  await seedDemoEvents(db, accountId, 1500, 7);
  const [first] = await db
    .selectFrom("events")
    .select("id")
    .where("account_id", "=", accountId)
    .where("test_mode", "=", false)
    .orderBy("created_at", "desc")
    .limit(1)
    .execute();
  if (!first) throw new Error("no events");
  expect(await createEventsRepository(db).claimInstallCheck(accountId, first.id)).toBe(true);
  reasonIds = (await createReasonsRepository(db).list(accountId)).map((r) => r.id);
});
afterAll(() => database.close());

/** Every event a search finds, by walking its pages: a count that owes nothing to rollups. */
async function walked(search: EventSearch): Promise<number> {
  let total = 0;
  let cursor = null;
  for (;;) {
    const page = await searchEvents(database.db, search, { limit: 500, cursor });
    total += page.events.length;
    if (!page.nextCursor) return total;
    cursor = {
      createdAt: new Date(page.events.at(-1)?.created_at ?? 0),
      id: page.events.at(-1)?.id ?? "",
    };
  }
}

describe("countEvents", () => {
  it("agrees with the events themselves for every filter, install check included", async () => {
    const days = await database.db
      .selectFrom("events")
      .select((eb) => [eb.fn.min("created_at").as("first"), eb.fn.max("created_at").as("last")])
      .where("account_id", "=", accountId)
      .executeTakeFirstOrThrow();
    const day = (at: unknown, plusDays = 0) =>
      new Date(new Date(at as string).getTime() + plusDays * 86_400_000).toISOString().slice(0, 10);
    const searches: Array<Omit<EventSearch, "accountId">> = [
      {},
      { includeTest: true },
      { testMode: true },
      { kind: "answer" },
      { kind: "dismissal", includeTest: true },
      { reasonIds: reasonIds.slice(0, 2) },
      { reasonIds: ["rsn_none"] },
      { from: day(days.first, 30), to: day(days.last, -30) },
      { from: day(days.last), to: day(days.last) },
      { from: day(days.last), kind: "answer" },
      { to: day(days.first, 10), reasonIds: reasonIds.slice(0, 1), includeTest: true },
      { customerOid: "cus_none" },
      { withComment: true },
      { q: "price" },
    ];
    for (const filters of searches) {
      const search = { accountId, ...filters };
      expect(await countEvents(database.db, search), JSON.stringify(filters)).toBe(
        await walked(search),
      );
    }
  });
});

import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { migrationProvider } from "../../src/db/migrations/index.js";
import { createRepositories } from "../../src/db/repositories/index.js";
import { createTestDatabase } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";

// A database of its own: migrating down would upset the other files' tests.
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

const repos = () => createRepositories(handle.db, { secrets: testSecrets });

async function endpointWith(accountId: string, types: string[]) {
  return sql`insert into webhook_endpoints (account_id, id, url, kind, event_types, secret)
    values (${accountId}, ${`whk_${types.length}_${Date.now()}`}, 'https://example.com', 'webhook',
      ${types}::text[], 'whsec_x')`.execute(handle.db);
}

describe("migration 0022 (offer saves)", () => {
  it("keeps the save window between 1 and 180 days, 30 by default", async () => {
    const { account } = await repos().accounts.create("Window Co");
    expect((await repos().accounts.find(account.id))?.offer_save_days).toBe(30);
    for (const days of [0, 181]) {
      await expect(
        sql`update accounts set offer_save_days = ${days} where id = ${account.id}`.execute(
          handle.db,
        ),
      ).rejects.toThrow(/offer_save_days/);
    }
    await sql`update accounts set offer_save_days = 180 where id = ${account.id}`.execute(
      handle.db,
    );
  });

  it("lets endpoints subscribe to retention.saved, and goes down and up again", async () => {
    const { account } = await repos().accounts.create("Hooks Co");
    await endpointWith(account.id, ["retention.saved"]);
    await expect(endpointWith(account.id, ["retention.lost"])).rejects.toThrow(/event_types_check/);
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    const before = names[names.indexOf("0022-offer-saves") - 1] as string;
    const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
    expect((await migrator.migrateTo(before)).error).toBeUndefined();
    // The subscription to a type that no longer exists is dropped, the endpoint kept.
    const kept = await sql<{ event_types: string[] }>`select event_types from webhook_endpoints
      where account_id = ${account.id}`.execute(handle.db);
    expect(kept.rows).toEqual([{ event_types: [] }]);
    await expect(endpointWith(account.id, ["retention.saved"])).rejects.toThrow(
      /event_types_check/,
    );
    expect(await migrateToLatest(handle.db)).toContain("0022-offer-saves");
    await endpointWith(account.id, ["retention.saved", "retention.accepted"]);
  }, 180_000);
});

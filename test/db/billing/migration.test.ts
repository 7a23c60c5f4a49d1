import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { migrationProvider } from "../../../src/db/migrations/index.js";
import { createRepositories } from "../../../src/db/repositories/index.js";
import { parseKeys } from "../../../src/db/secrets/key-file.js";
import { createKeyring, newKey } from "../../../src/db/secrets/keyring.js";
import { resealUnderSealingKey } from "../../../src/db/secrets/reseal.js";
import { createTestDatabase } from "../../helpers/database.js";
import { TEST_SECRETS_KEY, testSecrets } from "../../helpers/secrets.js";
import { connectedAccount } from "./setup.js";

// A database of its own: rotating keys and migrating down would upset the other files' tests.
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

const BILLING_TABLES = [
  "billing_connections",
  "billing_customers",
  "billing_subscriptions",
  "billing_sync_runs",
  "provider_events",
];

async function billingTables(): Promise<string[]> {
  const result = await sql<{ name: string }>`select relname as name from pg_class
    where relname = any(${BILLING_TABLES}) and relkind = 'r' order by relname`.execute(handle.db);
  return result.rows.map((r) => r.name);
}

describe("billing storage", () => {
  it("has its secrets re-sealed by a key rotation, and they open with the new key alone", async () => {
    const { accountId, connection } = await connectedAccount(
      createRepositories(handle.db, { secrets: testSecrets }),
    );
    const next = newKey();
    const rotating = createKeyring([next, ...parseKeys(TEST_SECRETS_KEY, "test")]);
    expect(await resealUnderSealingKey(handle.db, rotating)).toBeGreaterThanOrEqual(3);
    const r = createRepositories(handle.db, { secrets: createKeyring([next]) });
    expect(await r.billingConnections.openApiKey(accountId, connection.id)).toBe(
      `rk_test_${accountId}secretpart`,
    );
    expect((await r.billingConnections.getForWebhook(connection.id))?.webhookSecret).toBe(
      `whsec_${accountId}`,
    );
  });

  it("goes down to no billing tables, and up again", async () => {
    expect(await billingTables()).toEqual(BILLING_TABLES);
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    const before = names[names.indexOf("0014-billing") - 1] as string;
    const { error } = await new Migrator({ db: handle.db, provider: migrationProvider }).migrateTo(
      before,
    );
    expect(error).toBeUndefined();
    expect(await billingTables()).toEqual([]);
    expect(await migrateToLatest(handle.db)).toContain("0014-billing");
    expect(await billingTables()).toEqual(BILLING_TABLES);
  }, 180_000);
});

import { Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { migrationProvider } from "../../../src/db/migrations/index.js";
import { createRepositories } from "../../../src/db/repositories/index.js";
import { createTestDatabase } from "../../helpers/database.js";
import { testSecrets } from "../../helpers/secrets.js";
import { connectedAccount } from "./setup.js";

// A database of its own: migrating down would upset the other files' tests.
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

const MIGRATION = "0018-billing-provider-names";
const repos = () => createRepositories(handle.db, { secrets: testSecrets });

async function migrateTo(name: string) {
  const { error } = await new Migrator({ db: handle.db, provider: migrationProvider }).migrateTo(
    name,
  );
  return error;
}

function connect(accountId: string, provider: string) {
  return repos().billingConnections.create(accountId, {
    provider,
    mode: "live",
    apiKey: `${provider}_live_key`,
    webhookSecret: null,
  });
}

describe(`migration ${MIGRATION}`, () => {
  it("keeps the Stripe connections, then takes any provider name of the right shape only", async () => {
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    expect(await migrateTo(names[names.indexOf(MIGRATION) - 1] as string)).toBeUndefined();
    const { accountId, connection } = await connectedAccount(repos());
    // Before it, the database knows Stripe only.
    await expect(connect(accountId, "paddle")).rejects.toThrow();

    expect(await migrateToLatest(handle.db)).toContain(MIGRATION);
    expect(await repos().billingConnections.get(accountId, connection.id)).toEqual(connection);
    expect(await repos().billingConnections.openApiKey(accountId, connection.id)).toBe(
      `rk_test_${accountId}secretpart`,
    );
    expect(await connect(accountId, "paddle")).toMatchObject({ provider: "paddle" });
    for (const bad of ["Paddle", "9paddle", "pad-dle", "", "a".repeat(33)]) {
      await expect(connect(accountId, bad), bad).rejects.toThrow(/provider_name/);
    }
  });

  it("goes down only while every connection is Stripe's", async () => {
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    const before = names[names.indexOf(MIGRATION) - 1] as string;
    expect(await migrateTo(before)).toBeDefined();
    await handle.db.deleteFrom("billing_connections").where("provider", "!=", "stripe").execute();
    expect(await migrateTo(before)).toBeUndefined();
    expect(await migrateToLatest(handle.db)).toContain(MIGRATION);
  });
});

import { Migrator, sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { Database } from "../../../src/db/database.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { migrationProvider } from "../../../src/db/migrations/index.js";
import { createTestDatabase } from "../../helpers/database.js";

/** Migration 0015's objects: its tables, its unique index and its index on events. */
async function cancellationObjects(db: Database): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select relname as name from pg_class
    where relname in ('cancellations', 'cancellation_answers', 'events_subscription_oids',
      'cancellations_open')
    order by name`.execute(db);
  return result.rows.map((r) => r.name);
}

describe("migration 0015", () => {
  it("goes down to no cancellations, and up again", async () => {
    const database = await createTestDatabase();
    try {
      const { db } = database;
      const all = [
        "cancellation_answers",
        "cancellations",
        "cancellations_open",
        "events_subscription_oids",
      ];
      expect(await cancellationObjects(db)).toEqual(all);
      const names = Object.keys(await migrationProvider.getMigrations()).sort();
      const before = names[names.indexOf("0015-cancellations") - 1] as string;
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(before);
      expect(error).toBeUndefined();
      expect(await cancellationObjects(db)).toEqual([]);
      expect(await migrateToLatest(db)).toContain("0015-cancellations");
      expect(await cancellationObjects(db)).toEqual(all);
    } finally {
      await database.close();
    }
  }, 180_000);
});

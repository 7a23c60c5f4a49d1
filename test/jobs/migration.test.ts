import { Migrator, sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { migrationProvider } from "../../src/db/migrations/index.js";
import { createTestDatabase } from "../helpers/database.js";

/** The jobs table's own objects: itself and its triggers' functions. */
async function jobsObjects(db: Database): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select relname as name from pg_class where relname = 'jobs' and relkind = 'r'
    union all
    select proname from pg_proc where proname like 'jobs_notify_%'
    order by name`.execute(db);
  return result.rows.map((r) => r.name);
}

describe("migration 0012", () => {
  it("goes down to no jobs table, and up again", async () => {
    const database = await createTestDatabase();
    try {
      const { db } = database;
      const all = ["jobs", "jobs_notify_due", "jobs_notify_queued"];
      expect(await jobsObjects(db)).toEqual(all);
      const names = Object.keys(await migrationProvider.getMigrations()).sort();
      const before = names[names.indexOf("0012-jobs") - 1] as string;
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(before);
      expect(error).toBeUndefined();
      expect(await jobsObjects(db)).toEqual([]);
      expect(await migrateToLatest(db)).toContain("0012-jobs");
      expect(await jobsObjects(db)).toEqual(all);
    } finally {
      await database.close();
    }
  }, 180_000);
});

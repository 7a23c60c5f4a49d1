import { Migrator } from "kysely";
import type { Database } from "./database.js";
import { migrationProvider } from "./migrations/index.js";

/** Brings the schema up to date; returns the names of the migrations that ran now. */
export async function migrateToLatest(db: Database): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

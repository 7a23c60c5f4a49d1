import { type DatabaseHandle, openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { templateDump } from "./pglite-template.js";
import { createScratchPostgres } from "./scratch-postgres.js";

/** The engine the database tests run on: Postgres when DATABASE_URL is set, else PGlite. */
export const testEngine = process.env.DATABASE_URL ? "postgres" : "pglite";

/**
 * A fresh, migrated database: in-memory PGlite, or a new database on the Postgres server
 * of DATABASE_URL, dropped again by `close()`. Each test file gets its own.
 */
export async function createTestDatabase(): Promise<DatabaseHandle & { url: string | null }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const handle = await openDatabase({ dataDir: null, startFrom: await templateDump() });
    await migrateToLatest(handle.db);
    return { ...handle, url: null };
  }
  const scratch = await createScratchPostgres(serverUrl);
  const handle = await openDatabase({ databaseUrl: scratch.url });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url: scratch.url,
    close: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}

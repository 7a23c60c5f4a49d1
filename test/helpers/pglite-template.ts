import { openAsBlob } from "node:fs";
import { cp } from "node:fs/promises";
import path from "node:path";

/**
 * PGlite runs initdb for every new database, 3 s or more on this 2-core machine, and the test
 * suite makes one or more per file. The global setup (test/global-setup.ts) makes one migrated
 * database per run instead; tests start from copies of it. Unset (a test file run some other
 * way), each database is made from scratch as before.
 */
export const TEMPLATE_DIR_ENV = "TEST_PGLITE_TEMPLATE_DIR";
export const TEMPLATE_DUMP_ENV = "TEST_PGLITE_TEMPLATE_DUMP";

/** Dumps of the template, to start in-memory databases from (about 0.5 s instead of 3 s). */
export async function templateDump(): Promise<Blob | undefined> {
  const file = process.env[TEMPLATE_DUMP_ENV];
  return file ? openAsBlob(file) : undefined;
}

/**
 * Fills an empty data directory as `cancel-insights` would leave it after its first start's
 * initdb and migrations (no lock held, no accounts).
 */
export async function copyTemplateInto(dataDir: string): Promise<void> {
  const template = process.env[TEMPLATE_DIR_ENV];
  if (template)
    await cp(path.join(template, "pglite"), path.join(dataDir, "pglite"), { recursive: true });
}

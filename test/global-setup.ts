import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { TEMPLATE_DIR_ENV, TEMPLATE_DUMP_ENV } from "./helpers/pglite-template.js";

/**
 * One migrated PGlite database per run, on disk and as a dump, that tests copy instead of
 * running initdb and every migration again (test/helpers/pglite-template.ts). The variables
 * reach the test workers and the CLI processes they start, which inherit the environment.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  // On Postgres (the database pass of .ci/run) no test makes a PGlite database from it.
  if (process.env.DATABASE_URL) return;
  const root = await mkdtemp(path.join(tmpdir(), "ci-template-"));
  const dataDir = path.join(root, "data");
  const handle = await openDatabase({ dataDir });
  await migrateToLatest(handle.db);
  await handle.close();

  const pglite = await PGlite.create({ dataDir: path.join(dataDir, "pglite") });
  const dump = await pglite.dumpDataDir("none");
  await pglite.close();
  const dumpFile = path.join(root, "pglite.tar");
  await writeFile(dumpFile, Buffer.from(await dump.arrayBuffer()));

  process.env[TEMPLATE_DIR_ENV] = dataDir;
  process.env[TEMPLATE_DUMP_ENV] = dumpFile;
  return () => rm(root, { recursive: true, force: true });
}

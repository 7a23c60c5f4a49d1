import { mkdir } from "node:fs/promises";
import path from "node:path";
import lockfile from "proper-lockfile";
import { DomainError } from "./domain-error.js";

/**
 * PGlite is a single-process database: two processes on one data directory would corrupt
 * it. The lock is a directory created atomically and refreshed while we run, so a crashed
 * process frees it once it goes stale.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, "cancel-insights.lock"),
      stale: 10_000,
      update: 2_000,
      retries: 0,
      // Losing the lock means another process may be writing: stopping is the safe answer.
      onCompromised: (error) => {
        console.error(`cancel-insights: lost the lock on ${dataDir}: ${error.message}`);
        process.exit(1);
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOCKED") {
      throw new DomainError(
        "data_dir_locked",
        `The data directory ${dataDir} is in use by another cancel-insights process ` +
          "(embedded PGlite serves one process at a time). Stop that process first, " +
          "or set DATABASE_URL to use PostgreSQL from several processes.",
        { cause: error },
      );
    }
    throw error;
  }
}

import { sql } from "kysely";
import type { Database } from "../../src/db/database.js";
import { defineJobKind } from "../../src/jobs/job-kind.js";

/** The table where the two-workers test's jobs leave their mark, one row per run. */
export async function createRunsTable(db: Database): Promise<void> {
  await sql`create table test_job_runs (
    job_id text not null, worker text not null, attempt integer not null)`.execute(db);
}

/**
 * The kind the two-workers test enqueues, as `worker` runs it: each run is a row of
 * `test_job_runs`. A little work per job, so that both workers have jobs in hand at once.
 */
export function recordingKind(db: Database, worker: string) {
  return defineJobKind<{ n: number }>({
    kind: "test.record",
    maxAttempts: 3,
    retry: { retryBaseMs: 20, maxDelayMs: 100 },
    async run(_payload, context) {
      await sql`insert into test_job_runs (job_id, worker, attempt)
        values (${context.id}, ${worker}, ${context.attempt})`.execute(db);
      await new Promise((resolve) => setTimeout(resolve, 3));
    },
  });
}

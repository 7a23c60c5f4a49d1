import { sql } from "kysely";
import type { Database, DatabaseHandle } from "../../src/db/database.js";
import type { Job } from "../../src/db/schema.js";
import type { RetryPolicy } from "../../src/jobs/backoff.js";
import { defineJobKind, type JobContext, type JobKind } from "../../src/jobs/job-kind.js";
import { createJobQueue } from "../../src/jobs/job-queue.js";
import { createRunner } from "../../src/jobs/runner.js";
import type { WorkerLogger } from "../../src/jobs/work-queue.js";

export const silent: WorkerLogger = { debug() {}, info() {}, error() {} };

/** Retries a minute apart at first: far enough that a test moves the clock, never waits. */
export const MINUTE_RETRIES: RetryPolicy = { retryBaseMs: 60_000, maxDelayMs: 6 * 3600_000 };

export interface RunnerSettings {
  leaseMs?: number;
  concurrency?: number;
  pollMs?: number;
  notifiedPollMs?: number;
  logDays?: number;
}

/** A worker for `kinds` alone, polling every ten minutes unless told otherwise. */
export function runnerFor(
  database: Pick<DatabaseHandle, "db" | "listen">,
  kinds: readonly JobKind[],
  settings: RunnerSettings = {},
) {
  return createRunner({
    database,
    log: silent,
    pollMs: settings.pollMs ?? 600_000,
    notifiedPollMs: settings.notifiedPollMs ?? 600_000,
    queues: [
      createJobQueue({
        db: database.db,
        kinds,
        concurrency: settings.concurrency ?? 4,
        leaseMs: settings.leaseMs ?? 60_000,
        logDays: settings.logDays ?? 30,
        log: silent,
      }),
    ],
  });
}

/** What a test kind's handler was called with. */
export interface Call {
  id: string;
  attempt: number;
  payload: unknown;
  worker: string;
}

let kindCount = 0;

/**
 * A kind of job whose handler `work` is called with the payload and context, each call
 * recorded in `calls`. `as(worker)` is the same kind as one of several workers of a test
 * runs it: its calls are labelled with that worker. Each kind has a new name: the tests of
 * a file share one database.
 */
export function testKind(
  work: (
    payload: unknown,
    context: JobContext,
    worker: string,
  ) => Promise<{ runAgainInMs: number } | undefined> = async () => undefined,
  options: { maxAttempts?: number; retry?: RetryPolicy } = {},
) {
  const calls: Call[] = [];
  const name = `test.kind${++kindCount}`;
  const as = (worker: string) =>
    defineJobKind<unknown>({
      kind: name,
      maxAttempts: options.maxAttempts ?? 3,
      retry: options.retry ?? MINUTE_RETRIES,
      async run(payload, context) {
        calls.push({ id: context.id, attempt: context.attempt, payload, worker });
        return work(payload, context, worker);
      },
    });
  return { kind: as(""), as, calls };
}

/** A promise a handler waits on until the test opens it. */
export function gate() {
  let open: () => void = () => {};
  const opened = new Promise<undefined>((resolve) => {
    open = () => resolve(undefined);
  });
  return { opened, open };
}

export function jobRow(db: Database, id: string): Promise<Job> {
  return db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/**
 * As if the database's clock had moved past the job's time: what it waits for (its run_at,
 * its lease) is over now.
 */
export async function timePasses(db: Database, id: string): Promise<void> {
  await sql`update jobs set run_at = least(run_at, now() - interval '1 millisecond'),
      locked_until = least(locked_until, now() - interval '1 millisecond')
    where id = ${id}`.execute(db);
}

/** Whether the database's clock has passed `time`. */
export async function databaseTimeIsPast(db: Database, time: Date): Promise<boolean> {
  const result = await sql<{ past: boolean }>`select now() > ${time} as past`.execute(db);
  return result.rows[0]?.past === true;
}

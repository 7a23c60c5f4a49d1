import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { createJobsRepository, type NewJob } from "../db/repositories/jobs.js";
import type { Job, JobProgress } from "../db/schema.js";
import type { Keyring } from "../db/secrets/keyring.js";
import type { RetryPolicy } from "./backoff.js";
import type { WorkerLogger } from "./work-queue.js";

/**
 * What the worker lends every job (src/server/worker.ts): kinds are constants registered in
 * `JOB_KINDS`, so a handler that needs the database, a secret or a setting finds it here.
 */
export interface JobServices {
  readonly db: Database;
  readonly secrets: Keyring;
  readonly config: Config;
  readonly log: WorkerLogger;
  /**
   * Milliseconds: the time handlers decide by (a window over, a delay passed); tests give a
   * controlled clock. When jobs are due stays the database's clock.
   */
  readonly now: () => number;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  readonly id: string;
  readonly accountId: string | null;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /** The progress recorded so far (by an earlier attempt, too): where to resume. */
  readonly progress: JobProgress | null;
  /**
   * Aborted when the worker stops (`WorkerStopping`: stop at a safe point and throw, and the
   * job is handed back, the attempt not counted) or the job's lease is lost (`LeaseLost`:
   * another worker may run it now; stop). Short handlers may ignore it and finish.
   */
  readonly signal: AbortSignal;
  /**
   * Keeps the lease for another lease period. A handler that may run longer than one lease
   * (a minute by default) calls this, or `setProgress`, at least that often, or loses the job
   * to another worker. Throws `LeaseLost` when it was lost already.
   */
  heartbeat(): Promise<void>;
  /** Records how far the job got (shown while it runs) and keeps the lease, as `heartbeat`. */
  setProgress(progress: JobProgress): Promise<void>;
  /** The worker's services; throws in a worker made without them (the jobs tests' own). */
  readonly services: JobServices;
}

/** Where, when and how often: a dedupe key, a time or delay, the account it is for. */
export type EnqueueOptions = Omit<NewJob, "kind" | "payload" | "maxAttempts">;

export interface JobKindSpec<P> {
  /** Stored with each job: keep it stable (`billing.sync`, `email.reason`). */
  kind: string;
  /** Attempts before a job is marked failed. */
  maxAttempts: number;
  retry: RetryPolicy;
  /**
   * Does the job. Resolving marks it done, or, with `runAgainInMs`, schedules it again that
   * long from now with a fresh set of attempts (work that recurs: a periodic catch-up).
   * Throwing fails the attempt (retried with backoff until attempts run out). The error's
   * message is stored and logged: no customer data in it. Runs at least once, more than
   * once if a worker dies before it is settled.
   */
  run(payload: P, context: JobContext): Promise<{ runAgainInMs: number } | undefined>;
}

export interface JobKind<P = unknown> extends JobKindSpec<P> {
  /** Queues a job of this kind, in `db`'s transaction when it is one. `payload` is JSON. */
  enqueue(
    db: Database,
    payload: P,
    options?: EnqueueOptions,
  ): Promise<{ job: Job; queued: boolean }>;
}

/** A kind of job: its handler, and how its jobs are enqueued and retried. */
export function defineJobKind<P>(spec: JobKindSpec<P>): JobKind<P> {
  return {
    ...spec,
    enqueue(db, payload, options = {}) {
      return createJobsRepository(db).enqueue({
        ...options,
        kind: spec.kind,
        payload,
        maxAttempts: spec.maxAttempts,
      });
    },
  };
}

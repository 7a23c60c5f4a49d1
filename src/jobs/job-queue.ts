import type { Database } from "../db/database.js";
import { createJobsRepository, type JobOutcome } from "../db/repositories/jobs.js";
import type { Job } from "../db/schema.js";
import { afterFailure } from "./backoff.js";
import type { JobContext, JobKind, JobServices } from "./job-kind.js";
import {
  type ClaimedWork,
  deleteInBatches,
  type Lease,
  LeaseLost,
  type WorkerLogger,
  WorkerStopping,
  type WorkQueue,
} from "./work-queue.js";

export interface JobQueueOptions {
  db: Database;
  /** The kinds this worker runs; jobs of other kinds wait for a worker that knows them. */
  kinds: readonly JobKind[];
  /** Jobs one worker runs at once. */
  concurrency: number;
  /** How long a claim holds without a heartbeat. */
  leaseMs?: number;
  /** Days finished jobs are kept (and their dedupe keys held); 0 keeps them all. */
  logDays: number;
  log: WorkerLogger;
  /** Lent to every job as `context.services`. */
  services?: JobServices;
}

/** The channel migration 0012's triggers notify. */
const JOBS_CHANNEL = "jobs";
const DEFAULT_LEASE_MS = 60_000;
const DAY_MS = 24 * 3600_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The `jobs` table as a queue of the runner: each claimed job runs its kind's handler. */
export function createJobQueue(options: JobQueueOptions): WorkQueue {
  const { log } = options;
  const jobs = createJobsRepository(options.db);
  const kinds = new Map(options.kinds.map((k) => [k.kind, k]));
  const names = [...kinds.keys()];
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;

  /** What became of an attempt; null when it is not this worker's to say. */
  function outcomeOf(job: Job, kind: JobKind, error: unknown, lease: Lease): JobOutcome | null {
    const reason: unknown = lease.signal.reason;
    if (reason instanceof LeaseLost || error instanceof LeaseLost) return null;
    if (reason instanceof WorkerStopping) return { status: "released" };
    const next = afterFailure(job.attempts, job.max_attempts, kind.retry);
    return { ...next, error: messageOf(error) };
  }

  async function run(job: Job, kind: JobKind, lease: Lease): Promise<void> {
    const context: JobContext = {
      id: job.id,
      accountId: job.account_id,
      attempt: job.attempts,
      progress: job.progress,
      signal: lease.signal,
      heartbeat: () => lease.extend(),
      async setProgress(progress) {
        if (!(await jobs.saveProgress(job, progress))) throw new LeaseLost();
        await lease.extend();
      },
      get services() {
        if (!options.services) throw new Error("This worker lends its jobs no services.");
        return options.services;
      },
    };
    const about = { job: job.id, kind: job.kind, attempt: job.attempts };
    let outcome: JobOutcome | null;
    try {
      const result = await kind.run(job.payload, context);
      outcome = result ? { status: "again", delayMs: result.runAgainInMs } : { status: "done" };
    } catch (error) {
      outcome = outcomeOf(job, kind, error, lease);
      if (outcome?.status === "pending" || outcome?.status === "failed") {
        log.info({ ...about, error: outcome.error, next: outcome.status }, "job attempt failed");
      }
    }
    if (outcome === null || !(await jobs.settle(job, outcome))) {
      log.info(about, "job lost its lease before it was settled: another worker may run it");
    } else if (outcome.status === "done" || outcome.status === "again") {
      log.debug({ ...about, next: outcome.status }, "job done");
    }
  }

  return {
    name: "jobs",
    channel: JOBS_CHANNEL,
    concurrency: options.concurrency,
    leaseMs,

    async claim(limit, ms): Promise<ClaimedWork[]> {
      const claimed = await jobs.claimDue(names, limit, ms);
      return claimed.map((job) => ({
        run: async (lease) => {
          const kind = kinds.get(job.kind);
          // Claimed by name, so always known; a guard for the type.
          if (kind) await run(job, kind, lease);
        },
        extendLease: (extension) => jobs.extendLease(job, extension),
      }));
    },

    nextDueInMs: () => jobs.nextDueInMs(names),

    prune(signal) {
      if (options.logDays === 0) return Promise.resolve(0);
      const before = new Date(Date.now() - options.logDays * DAY_MS);
      return deleteInBatches((limit) => jobs.pruneFinished(before, limit), signal);
    },
  };
}

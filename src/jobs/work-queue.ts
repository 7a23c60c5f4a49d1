/** Where the runner's logs go (pino's logger fits). */
export interface WorkerLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Why a lease's signal was aborted: the worker stops; the work should end or be handed back. */
export class WorkerStopping extends Error {
  constructor() {
    super("the worker is stopping");
    this.name = "WorkerStopping";
  }
}

/** Why a lease's signal was aborted: its time ran out, or another worker holds the work now. */
export class LeaseLost extends Error {
  constructor() {
    super("the lease was lost: another worker may hold this work now");
    this.name = "LeaseLost";
  }
}

/** A worker's hold on one piece of work, kept by the runner. */
export interface Lease {
  /** Aborted with `WorkerStopping` or `LeaseLost`; the work is not this worker's to finish. */
  readonly signal: AbortSignal;
  /** Extends the hold by the queue's lease from now; throws `LeaseLost` when it is gone. */
  extend(): Promise<void>;
}

/** One piece of work a worker claimed. */
export interface ClaimedWork {
  /** Does the work and settles it in the database; never rejects. */
  run(lease: Lease): Promise<void>;
  /**
   * Moves the claim's end to `leaseMs` from now, if this worker still holds it; says
   * whether it did. Absent for work that never outlives its lease.
   */
  extendLease?(leaseMs: number): Promise<boolean>;
}

/**
 * A table of work that the runner drains: a queue claims due rows with `FOR UPDATE SKIP
 * LOCKED` and a lease (a lease token and a time, `leaseMs` from the claim by the database's
 * clock, after which any worker may claim the row again), settles a row only while its
 * lease token is still the row's, and has a trigger NOTIFY `channel` when rows become due.
 */
export interface WorkQueue {
  /** For logs. */
  readonly name: string;
  readonly channel: string;
  /** Pieces of its work one worker has in hand at once, at most. */
  readonly concurrency: number;
  readonly leaseMs: number;
  claim(limit: number, leaseMs: number): Promise<ClaimedWork[]>;
  /** Milliseconds until the next claimable row is due (0: now), null when there is none. */
  nextDueInMs(): Promise<number | null>;
  /** Deletes settled rows past their keeping time; returns how many. Stops early on `signal`. */
  prune(signal?: AbortSignal): Promise<number>;
}

/** Deletes in bounded batches (so no prune holds locks for long) until none is left. */
export async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<number>,
  signal?: AbortSignal,
  batch = 1000,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const now = await deleteBatch(batch);
    deleted += now;
    if (now < batch || signal?.aborted) return deleted;
  }
}

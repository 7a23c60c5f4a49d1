import { sql } from "kysely";
import type { Database } from "../database.js";
import { randomToken } from "../ids.js";
import type { Job, JobProgress } from "../schema.js";

export interface NewJob {
  kind: string;
  payload: unknown;
  accountId?: string | null;
  /** When it may run: at `runAt`, or `delayMs` from now by the database's clock; else now. */
  runAt?: Date;
  delayMs?: number;
  maxAttempts: number;
  /** One job per kind and key: enqueueing it again finds the job already there. */
  dedupeKey?: string | null;
  /**
   * With a dedupe key: a finished (done or failed) job of that key is run again, with this
   * payload and a fresh set of attempts, instead of being found. One at a time per key,
   * then: a pending or running job of the key is found, never doubled.
   */
  rerunFinished?: boolean;
}

/** The job a worker holds: its lease token proves it (a job whose lease ran out may be taken). */
export type HeldJob = Pick<Job, "id" | "lease_token">;

/** What becomes of a job a worker held. */
export type JobOutcome =
  | { status: "done" }
  | { status: "failed"; error: string }
  | { status: "pending"; delayMs: number; error: string }
  /** Handed back unfinished (its worker stops): due again now, the attempt not counted. */
  | { status: "released" }
  /** Done for now, to run again later with a fresh set of attempts. */
  | { status: "again"; delayMs: number };

/** A time `ms` from now, by the database's clock (the one every worker shares). */
function msFromNow(ms: number) {
  return sql<Date>`now() + ${ms}::integer * interval '1 millisecond'`;
}

const LOST_ON_LAST_ATTEMPT = "its worker stopped on the last attempt (the lease ran out)";

export function createJobsRepository(db: Database) {
  /** Updates the job if `held` still holds it; says whether it did. */
  async function whileHeld(held: HeldJob, set: ReturnType<typeof sql>): Promise<boolean> {
    const result = await sql`update jobs set ${set}, updated_at = now()
      where id = ${held.id} and lease_token = ${held.lease_token}`.execute(db);
    return Number(result.numAffectedRows ?? 0) === 1;
  }

  return {
    /**
     * Queues a job. With a dedupe key, `queued` is false when the key's job was there already
     * (and is returned instead): pending, running, or finished and not to be run again.
     */
    async enqueue(job: NewJob): Promise<{ job: Job; queued: boolean }> {
      const runAt = job.runAt ?? msFromNow(job.delayMs ?? 0);
      const onConflict = job.rerunFinished
        ? sql`do update set payload = excluded.payload, account_id = excluded.account_id,
            status = 'pending', run_at = excluded.run_at, attempts = 0,
            max_attempts = excluded.max_attempts, last_error = null, progress = null,
            started_at = null, finished_at = null, updated_at = now()
            where jobs.status in ('done', 'failed')`
        : sql`do nothing`;
      const queued = await sql<Job>`
        insert into jobs (kind, payload, account_id, run_at, max_attempts, dedupe_key)
        values (${job.kind}, ${JSON.stringify(job.payload ?? {})}, ${job.accountId ?? null},
                ${runAt}, ${job.maxAttempts}, ${job.dedupeKey ?? null})
        on conflict (kind, dedupe_key) ${onConflict}
        returning *`.execute(db);
      const row = queued.rows[0];
      if (row) return { job: row, queued: true };
      const found = await db
        .selectFrom("jobs")
        .selectAll()
        .where("kind", "=", job.kind)
        .where("dedupe_key", "=", job.dedupeKey ?? "")
        .executeTakeFirstOrThrow();
      return { job: found, queued: false };
    },

    /**
     * Takes up to `limit` due jobs of `kinds` for one worker, running. SKIP LOCKED lets
     * workers in any number of processes claim side by side without waiting on or repeating
     * each other. Due means pending and its time come, or running with its lease run out
     * (its worker died or stalled): then it is taken over, the attempt counted again. The
     * attempt is counted here, not after it, so a job that kills its worker still runs out
     * of attempts: found again with none left, it is failed instead of run.
     */
    async claimDue(kinds: readonly string[], limit: number, leaseMs: number): Promise<Job[]> {
      if (kinds.length === 0) return [];
      const token = randomToken();
      const result = await sql<Job>`
        with due as (
          select id, status = 'running' and attempts >= max_attempts as spent
          from jobs
          where status in ('pending', 'running') and due_at <= now() and kind = any(${kinds})
          order by due_at
          limit ${limit}
          for update skip locked
        ), claimed as (
          update jobs j
          set status = case when due.spent then 'failed' else 'running' end,
              attempts = j.attempts + case when due.spent then 0 else 1 end,
              locked_until = case when due.spent then null else ${msFromNow(leaseMs)} end,
              lease_token = case when due.spent then null else ${token} end,
              last_error = case when due.spent then ${LOST_ON_LAST_ATTEMPT} else j.last_error end,
              finished_at = case when due.spent then now() end,
              started_at = coalesce(j.started_at, now()),
              updated_at = now()
          from due
          where j.id = due.id
          returning j.*
        )
        select * from claimed where status = 'running' order by due_at`.execute(db);
      return result.rows;
    },

    /**
     * Milliseconds until the next job of `kinds` that `claimDue` could take is due (0 if one
     * is now), or null when none is pending or running. By the database's clock, as claims are.
     */
    async nextDueInMs(kinds: readonly string[]): Promise<number | null> {
      if (kinds.length === 0) return null;
      const result = await sql<{ ms: number }>`
        select greatest(0, extract(epoch from due_at - now()) * 1000)::float8 as ms
        from jobs
        where status in ('pending', 'running') and kind = any(${kinds})
        order by due_at
        limit 1`.execute(db);
      return result.rows[0]?.ms ?? null;
    },

    /** Extends the lease by `leaseMs` from now; false when it was lost to another worker. */
    extendLease(held: HeldJob, leaseMs: number): Promise<boolean> {
      return whileHeld(held, sql`locked_until = ${msFromNow(leaseMs)}`);
    },

    /** Records how far the job got; false when the worker lost its lease. */
    saveProgress(held: HeldJob, progress: JobProgress): Promise<boolean> {
      return whileHeld(held, sql`progress = ${JSON.stringify(progress)}`);
    },

    /**
     * Settles a job its worker is done with; false (and nothing changed) when the worker had
     * lost its lease meanwhile: the job is another worker's now.
     */
    settle(held: HeldJob, outcome: JobOutcome): Promise<boolean> {
      const unlocked = sql`locked_until = null, lease_token = null`;
      switch (outcome.status) {
        case "done":
          return whileHeld(
            held,
            sql`status = 'done', ${unlocked}, last_error = null, finished_at = now()`,
          );
        case "failed":
          return whileHeld(
            held,
            sql`status = 'failed', ${unlocked}, last_error = ${outcome.error}, finished_at = now()`,
          );
        case "pending":
          return whileHeld(
            held,
            sql`status = 'pending', ${unlocked}, last_error = ${outcome.error},
              run_at = ${msFromNow(outcome.delayMs)}`,
          );
        case "released":
          return whileHeld(
            held,
            sql`status = 'pending', ${unlocked}, attempts = attempts - 1, run_at = now()`,
          );
        case "again":
          return whileHeld(
            held,
            sql`status = 'pending', ${unlocked}, attempts = 0, last_error = null,
              run_at = ${msFromNow(outcome.delayMs)}`,
          );
      }
    },

    /**
     * Deletes up to `limit` done or failed jobs that finished before `before`; returns how
     * many. Their dedupe keys are free again. Bounded, so one prune never holds locks for
     * long: call again while it returns `limit`.
     */
    async pruneFinished(before: Date, limit: number): Promise<number> {
      const result = await sql`
        delete from jobs where id in (
          select id from jobs
          where status in ('done', 'failed') and finished_at < ${before}
          limit ${limit}
        )`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /** Whether a worker holds the job of this kind and key now (running, its lease alive). */
    async isHeld(kind: string, dedupeKey: string): Promise<boolean> {
      const held = await db
        .selectFrom("jobs")
        .select("id")
        .where("kind", "=", kind)
        .where("dedupe_key", "=", dedupeKey)
        .where("status", "=", "running")
        .where("locked_until", ">", sql<Date>`now()`)
        .executeTakeFirst();
      return held !== undefined;
    },

    find(id: string): Promise<Job | undefined> {
      return db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    },
  };
}

export type JobsRepository = ReturnType<typeof createJobsRepository>;

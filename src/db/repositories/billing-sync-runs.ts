import { sql } from "kysely";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { newId } from "../ids.js";
import type {
  BillingSyncError,
  BillingSyncPhase,
  BillingSyncRun,
  StoredEventCursor,
  StoredListPlan,
} from "../schema.js";

/**
 * A running run not written to for this long was left by a process that stopped: a page, its
 * rate-limit waits and retries included, takes far less.
 */
export const SYNC_RUN_STALE_MS = 5 * 60_000;

/** How far a run got after a page: where it resumes, and what the page added to its counts. */
export interface SyncProgress {
  phase: BillingSyncPhase;
  /** The provider's cursor after the page; null at the start of a phase or window. */
  cursor: string | null;
  /** The phase's list plan (its current window included); absent: unchanged. */
  plan?: StoredListPlan | null;
  /** Added to the run's totals. */
  added?: { customers?: number; subscriptions?: number; requests?: number };
  /** The creation time of the page's oldest object. */
  oldestCreated?: Date | null;
}

export type SyncOutcome =
  | { state: "succeeded" }
  | { state: "failed"; error: BillingSyncError }
  | { state: "canceled" };

/**
 * The backfill runs of a connection, one running at a time. The sync stores its progress after
 * each page, inside the transaction that stores the page's rows (build the repositories over
 * it: `repos.transaction`), so a run resumed after a crash starts after the last stored page.
 */
export function createBillingSyncRunsRepository(db: Database) {
  const ofConnection = (accountId: string, connectionId: string) =>
    db
      .selectFrom("billing_sync_runs")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("connection_id", "=", connectionId);
  const whileRunning = (runId: string) =>
    db
      .updateTable("billing_sync_runs")
      .set({ updated_at: sql<Date>`now()` })
      .where("id", "=", runId)
      .where("state", "=", "running");
  const running = (accountId: string, connectionId: string) =>
    ofConnection(accountId, connectionId).where("state", "=", "running");

  return {
    /**
     * Starts a run of an active connection, with the event cursor taken before it; undefined
     * when the account has no such active connection. Refused with `billing_sync_running`
     * while one runs (a run left by a crash is resumed, not started again).
     */
    async start(
      accountId: string,
      connectionId: string,
      eventCursor: StoredEventCursor | null,
    ): Promise<BillingSyncRun | undefined> {
      const started = await sql<BillingSyncRun>`
        insert into billing_sync_runs (id, account_id, connection_id, event_cursor)
        select ${newId("bsr")}, account_id, id, ${eventCursor ? JSON.stringify(eventCursor) : null}::jsonb
        from billing_connections
        where account_id = ${accountId} and id = ${connectionId} and status = 'active'
        on conflict (connection_id) where state = 'running' do nothing
        returning *`.execute(db);
      if (started.rows[0]) return started.rows[0];
      const connection = await db
        .selectFrom("billing_connections")
        .select("id")
        .where("account_id", "=", accountId)
        .where("id", "=", connectionId)
        .where("status", "=", "active")
        .executeTakeFirst();
      // The connection is there: only a running run can have kept the insert out.
      if (!connection) return undefined;
      throw new DomainError(
        "billing_sync_running",
        `A sync of billing connection ${connectionId} is running already.`,
      );
    },

    /** Stores a page's progress; false when the run is over (finished, or canceled by a disconnect). */
    async progress(runId: string, progress: SyncProgress): Promise<boolean> {
      const added = progress.added ?? {};
      const result = await whileRunning(runId)
        .set((eb) => ({
          phase: progress.phase,
          cursor: progress.cursor,
          customers_seen: eb("customers_seen", "+", added.customers ?? 0),
          subscriptions_seen: eb("subscriptions_seen", "+", added.subscriptions ?? 0),
          requests_made: eb("requests_made", "+", added.requests ?? 0),
          ...(progress.plan === undefined
            ? {}
            : { list_plan: progress.plan === null ? null : JSON.stringify(progress.plan) }),
          ...(progress.oldestCreated === undefined
            ? {}
            : { oldest_created: progress.oldestCreated }),
        }))
        .executeTakeFirstOrThrow();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Ends a running run; undefined when it was not running. */
    finish(runId: string, outcome: SyncOutcome): Promise<BillingSyncRun | undefined> {
      return whileRunning(runId)
        .set({
          state: outcome.state,
          finished_at: sql<Date>`now()`,
          error: outcome.state === "failed" ? JSON.stringify(outcome.error) : null,
          ...(outcome.state === "succeeded" ? { phase: "done" as const, cursor: null } : {}),
        })
        .returningAll()
        .executeTakeFirst();
    },

    get(accountId: string, runId: string): Promise<BillingSyncRun | undefined> {
      return db
        .selectFrom("billing_sync_runs")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", runId)
        .executeTakeFirst();
    },

    /** The connection's newest run, whatever its state: what the dashboard shows. */
    latest(accountId: string, connectionId: string): Promise<BillingSyncRun | undefined> {
      return ofConnection(accountId, connectionId)
        .orderBy("started_at", "desc")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
    },

    running(accountId: string, connectionId: string): Promise<BillingSyncRun | undefined> {
      return running(accountId, connectionId).executeTakeFirst();
    },

    /**
     * The running run a stopped process left behind (not written to for `staleAfterMs`), to
     * resume from its phase and cursor; undefined when there is none.
     */
    resumable(
      accountId: string,
      connectionId: string,
      staleAfterMs = SYNC_RUN_STALE_MS,
    ): Promise<BillingSyncRun | undefined> {
      return running(accountId, connectionId)
        .where(
          "updated_at",
          "<=",
          sql<Date>`now() - ${staleAfterMs}::integer * interval '1 millisecond'`,
        )
        .executeTakeFirst();
    },
  };
}

export type BillingSyncRunsRepository = ReturnType<typeof createBillingSyncRunsRepository>;

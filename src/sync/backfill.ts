import { cancellationChange } from "../billing/cancellation-change.js";
import type { BillingProvider, BillingSubscription, Page } from "../billing/provider.js";
import type { StripeSettings } from "../config.js";
import { DomainError } from "../db/domain-error.js";
import type { BillingConnection } from "../db/repositories/billing-connections.js";
import { createBillingSyncRunsRepository } from "../db/repositories/billing-sync-runs.js";
import type { Repositories } from "../db/repositories/index.js";
import { createJobsRepository } from "../db/repositories/jobs.js";
import type { BillingSyncRun } from "../db/schema.js";
import { AppError } from "../errors.js";
import { defineJobKind, type JobKind } from "../jobs/job-kind.js";
import { applySubscription, factsOfRow } from "./apply-subscription.js";
import { reposOf, type SyncDeps } from "./deps.js";
import { providerForConnection } from "./provider-for-connection.js";
import { customerRow, mrrOptions, subscriptionRow } from "./subscription-row.js";
import { isPermanent, syncErrorOf } from "./sync-error.js";

export interface BackfillProgress {
  runId: string;
  state: "running" | "succeeded" | "failed" | "canceled";
  phase: "customers" | "subscriptions" | "done";
  customers: number;
  subscriptions: number;
  requests: number;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** Objects per second so far (Stripe gives no totals to estimate what is left from). */
  perSecond: number;
  error: { code: string; message: string } | null;
}

const KIND = "billing.backfill";
/** One backfill at a time per connection. */
export const backfillDedupeKey = (connectionId: string) => `${KIND}:${connectionId}`;

function progressOf(run: BillingSyncRun): BackfillProgress {
  const startedAt = new Date(run.started_at);
  const updatedAt = new Date(run.updated_at);
  const finishedAt = run.finished_at === null ? null : new Date(run.finished_at);
  const customers = Number(run.customers_seen);
  const subscriptions = Number(run.subscriptions_seen);
  const seconds = ((finishedAt ?? updatedAt).getTime() - startedAt.getTime()) / 1000;
  return {
    runId: run.id,
    state: run.state,
    phase: run.phase === "customers" || run.phase === "subscriptions" ? run.phase : "done",
    customers,
    subscriptions,
    requests: Number(run.requests_made),
    startedAt,
    updatedAt,
    finishedAt,
    perSecond: seconds > 0 ? Math.round((customers + subscriptions) / seconds) : 0,
    error: run.error,
  };
}

interface Walk {
  repos: Repositories;
  connection: BillingConnection;
  provider: BillingProvider;
  run: BillingSyncRun;
  signal?: AbortSignal;
  nowSeconds: () => number;
  settings: StripeSettings;
  afterPage: (progress: BackfillProgress) => Promise<void>;
}

const oldestOf = (created: (number | null)[]): Date | null => {
  const known = created.filter((c): c is number => c !== null);
  return known.length ? new Date(Math.min(...known) * 1000) : null;
};

/**
 * A page of subscriptions: most are stored in one statement; those whose stored state (or
 * none) and new state read as churn go one by one through `applySubscription`, which records
 * the cancellation (an ended one seen first by the backfill included).
 */
async function storeSubscriptions(
  tx: Repositories,
  walk: Walk,
  page: BillingSubscription[],
): Promise<void> {
  const stored = new Map(
    (
      await tx.billingSubscriptions.getMany(
        walk.connection.id,
        page.map((s) => s.id),
      )
    ).map((row) => [row.id, row]),
  );
  const at = walk.nowSeconds();
  const mrr = mrrOptions(walk.settings, at);
  const churn = (s: BillingSubscription) => {
    const before = stored.get(s.id);
    return cancellationChange(before ? factsOfRow(before) : null, s, undefined, at).kind !== "none";
  };
  await tx.billingSubscriptions.upsertMany(
    page.filter((s) => !churn(s)).map((s) => subscriptionRow(walk.connection, s, mrr)),
  );
  for (const s of page.filter(churn)) {
    await applySubscription(tx, walk.connection, s, undefined, at, mrr);
  }
}

/** Walks a phase's pages from the run's cursor; false when the run was canceled meanwhile. */
async function walkPhase<T extends { created: number | null }>(
  walk: Walk,
  phase: "customers" | "subscriptions",
  pages: AsyncIterable<Page<T>>,
  store: (tx: Repositories, items: T[]) => Promise<void>,
): Promise<boolean> {
  const { repos, connection, signal } = walk;
  for await (const page of pages) {
    const run = await repos.transaction(async (tx) => {
      await store(tx, page.items);
      const kept = await tx.billingSyncRuns.progress(walk.run.id, {
        // The last page moves the run on to the next phase, from its start.
        phase: page.done ? (phase === "customers" ? "subscriptions" : "done") : phase,
        cursor: page.done ? null : page.cursor,
        added: { [phase]: page.items.length, requests: 1 },
        oldestCreated: page.done ? null : oldestOf(page.items.map((item) => item.created)),
      });
      return kept ? tx.billingSyncRuns.get(connection.account_id, walk.run.id) : undefined;
    });
    if (!run) return false;
    walk.run = run;
    await walk.afterPage(progressOf(run));
    if (!page.done) signal?.throwIfAborted();
  }
  return true;
}

/** The phases in their order, each resumable from the run's cursor. */
async function walkPhases(walk: Walk): Promise<void> {
  const list = () => ({ cursor: walk.run.cursor, signal: walk.signal });
  if (walk.run.phase === "customers") {
    const stored = await walkPhase(
      walk,
      "customers",
      walk.provider.customers(list()),
      (tx, items) =>
        tx.billingCustomers
          .upsertMany(items.map((c) => customerRow(walk.connection, c)))
          .then(() => {}),
    );
    if (!stored) return;
  }
  if (walk.run.phase === "subscriptions") {
    await walkPhase(walk, "subscriptions", walk.provider.subscriptions(list()), (tx, items) =>
      storeSubscriptions(tx, walk, items),
    );
  }
}

interface BackfillOptions {
  signal?: AbortSignal;
  afterPage?: (progress: BackfillProgress) => Promise<void>;
  /** Whether a running run may be taken over: the job's own always; the CLI's when no worker holds one. */
  resume: "always" | "unless_held";
}

/**
 * The backfill: the event cursor first (the catch-up starts there, unless the connection has
 * one), then every customer, then every subscription, canceled ones included, a page at a
 * time: each page's rows and the run's progress in one transaction, so a stopped run resumes
 * after its last stored page. An abort stops between pages and leaves the run to resume; a
 * failure is recorded on the run and the connection with its code.
 */
async function backfill(
  deps: SyncDeps,
  accountId: string,
  connectionId: string,
  options: BackfillOptions,
): Promise<BackfillProgress> {
  const repos = reposOf(deps);
  const { connection, provider } = await providerForConnection(deps, accountId, connectionId);
  const { signal } = options;
  let run = await repos.billingSyncRuns.running(accountId, connectionId);
  if (
    run &&
    options.resume === "unless_held" &&
    (await createJobsRepository(deps.db).isHeld(KIND, backfillDedupeKey(connectionId)))
  ) {
    throw new DomainError(
      "billing_sync_running",
      `A worker is syncing billing connection ${connectionId}.`,
    );
  }
  const clock = deps.clock ?? { now: Date.now };
  try {
    if (!run) {
      const cursor = await provider.eventCursor(signal);
      run = await repos.billingSyncRuns.start(accountId, connectionId, cursor);
      if (!run) throw new AppError("not_found", `No active billing connection ${connectionId}.`);
      await repos.billingSyncRuns.progress(run.id, {
        phase: "customers",
        cursor: null,
        added: { requests: 1 },
      });
      if (!connection.event_cursor) {
        await repos.billingConnections.saveEventCursor(accountId, connectionId, cursor);
      }
    }
    const walk: Walk = {
      repos,
      connection,
      provider,
      run,
      signal,
      nowSeconds: () => Math.floor(clock.now() / 1000),
      settings: deps.config.stripe,
      afterPage: options.afterPage ?? (async () => {}),
    };
    await walkPhases(walk);
    const finished =
      walk.run.phase === "done"
        ? await repos.billingSyncRuns.finish(walk.run.id, { state: "succeeded" })
        : undefined;
    if (finished) await repos.billingConnections.clearError(accountId, connectionId);
    const latest = finished ?? (await repos.billingSyncRuns.get(accountId, walk.run.id));
    return progressOf(latest ?? walk.run);
  } catch (error) {
    // Stopped from outside (the worker stops, the CLI's Ctrl-C): left running, to resume.
    if (signal?.aborted) throw error;
    const recorded = syncErrorOf(error);
    if (run) await repos.billingSyncRuns.finish(run.id, { state: "failed", error: recorded });
    await repos.billingConnections.recordError(accountId, connectionId, recorded);
    deps.log.info({ connection: connectionId, code: recorded.code }, "billing backfill failed");
    throw error;
  }
}

/** The job: one at a time per connection (its dedupe key), resuming its own run. */
export const billingBackfill: JobKind<{ connectionId: string }> = defineJobKind({
  kind: KIND,
  maxAttempts: 5,
  retry: { retryBaseMs: 60_000, maxDelayMs: 3600_000 },
  async run(payload, job) {
    if (!job.accountId) throw new Error("A billing backfill job names its account.");
    try {
      await backfill(job.services, job.accountId, payload.connectionId, {
        signal: job.signal,
        resume: "always",
        afterPage: (p) => job.setProgress({ done: p.customers + p.subscriptions, phase: p.phase }),
      });
    } catch (error) {
      // A refused key stays refused: the run and the connection say so, no retry. A
      // connection removed meanwhile has nothing left to sync.
      if (isPermanent(error)) return undefined;
      if (error instanceof AppError && error.code === "not_found") return undefined;
      throw error;
    }
    return undefined;
  },
});

/** Enqueues a backfill (one at a time per connection: dedupe key, rerunFinished). */
export async function startBackfill(
  deps: SyncDeps,
  accountId: string,
  connectionId: string,
): Promise<{ jobId: string; queued: boolean }> {
  const connection = await reposOf(deps).billingConnections.get(accountId, connectionId);
  if (connection?.status !== "active") {
    throw new AppError("not_found", `No active billing connection ${connectionId}.`);
  }
  const { job, queued } = await billingBackfill.enqueue(
    deps.db,
    { connectionId },
    { accountId, dedupeKey: backfillDedupeKey(connectionId), rerunFinished: true },
  );
  return { jobId: job.id, queued };
}

/** Runs a backfill in this process (the CLI), resuming a crashed run. */
export function runBackfill(
  deps: SyncDeps,
  accountId: string,
  connectionId: string,
  options: { signal?: AbortSignal; onProgress?: (p: BackfillProgress) => void } = {},
): Promise<BackfillProgress> {
  const { onProgress } = options;
  return backfill(deps, accountId, connectionId, {
    signal: options.signal,
    resume: "unless_held",
    afterPage: async (p) => onProgress?.(p),
  });
}

/** The latest run of a connection as the dashboard shows it (live while running). */
export async function backfillProgress(
  deps: Pick<SyncDeps, "db">,
  accountId: string,
  connectionId: string,
): Promise<BackfillProgress | null> {
  const run = await createBillingSyncRunsRepository(deps.db).latest(accountId, connectionId);
  return run ? progressOf(run) : null;
}

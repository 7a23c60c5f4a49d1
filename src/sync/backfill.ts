import { cancellationChange } from "../billing/cancellation-change.js";
import type {
  BillingProvider,
  BillingSubscription,
  ListName,
  ListOptions,
  Page,
} from "../billing/provider.js";
import type { StripeSettings } from "../config.js";
import { DomainError } from "../db/domain-error.js";
import type { BillingConnection } from "../db/repositories/billing-connections.js";
import {
  createBillingSyncRunsRepository,
  type SyncProgress,
} from "../db/repositories/billing-sync-runs.js";
import type { Repositories } from "../db/repositories/index.js";
import { createJobsRepository } from "../db/repositories/jobs.js";
import type { BillingSyncRun, StoredListPlan } from "../db/schema.js";
import { AppError } from "../errors.js";
import { defineJobKind, type JobKind } from "../jobs/job-kind.js";
import { applySubscription, factsOfRow } from "./apply-subscription.js";
import { reposOf, type SyncDeps } from "./deps.js";
import { estimateBackfill } from "./estimate.js";
import { planList } from "./list-plan.js";
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
  /** Objects per second so far. */
  perSecond: number;
  /** 0-1, estimated from how far back in creation time the lists have come (`estimate.ts`). */
  fraction: number;
  /** Seconds left at the rate so far; null unless running with some progress. */
  etaSeconds: number | null;
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
  const phase = run.phase === "customers" || run.phase === "subscriptions" ? run.phase : "done";
  const reached = run.oldest_created === null ? null : new Date(run.oldest_created).getTime();
  const { fraction, etaSeconds } = estimateBackfill({
    state: run.state,
    phase,
    customers,
    subscriptions,
    plan: run.list_plan,
    reachedCreated: reached === null ? null : Math.floor(reached / 1000),
    elapsedSeconds: seconds,
  });
  return {
    runId: run.id,
    state: run.state,
    phase,
    customers,
    subscriptions,
    requests: Number(run.requests_made),
    startedAt,
    updatedAt,
    finishedAt,
    perSecond: seconds > 0 ? Math.round((customers + subscriptions) / seconds) : 0,
    fraction,
    etaSeconds,
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

/** Stores a step of the run with what it stored; false when the run was canceled meanwhile. */
async function step(
  walk: Walk,
  progress: SyncProgress,
  store: (tx: Repositories) => Promise<void> = async () => {},
): Promise<boolean> {
  const { repos, connection } = walk;
  const run = await repos.transaction(async (tx) => {
    await store(tx);
    const kept = await tx.billingSyncRuns.progress(walk.run.id, progress);
    return kept ? tx.billingSyncRuns.get(connection.account_id, walk.run.id) : undefined;
  });
  if (!run) return false;
  walk.run = run;
  return true;
}

/** The phase's plan: made by a few probes when the phase starts, then kept with the run. */
async function planned(walk: Walk, phase: ListName): Promise<StoredListPlan | null> {
  if (walk.run.list_plan) return walk.run.list_plan;
  const { plan, requests } = await planList(walk.provider, phase, {
    windowDays: walk.settings.backfillWindowDays,
    signal: walk.signal,
  });
  const kept = await step(walk, { phase, cursor: null, plan, added: { requests } });
  return kept ? plan : null;
}

/**
 * Walks a phase's list window by window, each from the run's cursor; false when the run was
 * canceled meanwhile. The last page of a window moves the run on to the next window, that of
 * the last window to the next phase, in the page's transaction.
 */
async function walkPhase<T extends { created: number | null }>(
  walk: Walk,
  phase: ListName,
  list: (options: ListOptions) => AsyncIterable<Page<T>>,
  store: (tx: Repositories, items: T[]) => Promise<void>,
): Promise<boolean> {
  const { signal } = walk;
  const plan = await planned(walk, phase);
  if (!plan) return false;
  for (let at = plan.at; at < plan.windows.length; at++) {
    const window = plan.windows[at] ?? {};
    const last = at === plan.windows.length - 1;
    for await (const page of list({ created: window, cursor: walk.run.cursor, signal })) {
      const oldest = oldestOf(page.items.map((item) => item.created));
      const next: SyncProgress = !page.done
        ? { phase, cursor: page.cursor, ...(oldest ? { oldestCreated: oldest } : {}) }
        : last
          ? { phase: phase === "customers" ? "subscriptions" : "done", cursor: null, plan: null }
          : {
              phase,
              cursor: null,
              plan: { ...plan, at: at + 1 },
              // The window is done back to its lower bound, whatever its oldest object.
              oldestCreated: window.gte === undefined ? oldest : new Date(window.gte * 1000),
            };
      const counted = { ...next, added: { [phase]: page.items.length, requests: 1 } };
      if (!(await step(walk, counted, (tx) => store(tx, page.items)))) return false;
      await walk.afterPage(progressOf(walk.run));
      if (!(page.done && last)) signal?.throwIfAborted();
    }
  }
  return true;
}

/** The phases in their order, each resumable from the run's window and cursor. */
async function walkPhases(walk: Walk): Promise<void> {
  if (walk.run.phase === "customers") {
    const stored = await walkPhase(
      walk,
      "customers",
      (options) => walk.provider.customers(options),
      (tx, items) =>
        tx.billingCustomers
          .upsertMany(items.map((c) => customerRow(walk.connection, c)))
          .then(() => {}),
    );
    if (!stored) return;
  }
  if (walk.run.phase === "subscriptions") {
    await walkPhase(
      walk,
      "subscriptions",
      (options) => walk.provider.subscriptions(options),
      (tx, items) => storeSubscriptions(tx, walk, items),
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

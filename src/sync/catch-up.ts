import { BillingError } from "../billing/billing-error.js";
import type { EventCursor } from "../billing/provider.js";
import type { Database } from "../db/database.js";
import { AppError } from "../errors.js";
import { defineJobKind, type JobKind } from "../jobs/job-kind.js";
import { startBackfill } from "./backfill.js";
import { reposOf, type SyncDeps } from "./deps.js";
import { eventToProcess, processEvent } from "./process-event.js";
import { providerForConnection } from "./provider-for-connection.js";

const DAY_SECONDS = 86_400;
/** Warn this many days before the provider drops the event a cursor names. */
const AGING_MARGIN_DAYS = 3;
/** A quiet account's cursor moves to this long before the pass started (events still landing). */
const QUIET_MARGIN_SECONDS = 300;

export interface CatchUpResult {
  /** Events processed now (those a webhook had not claimed). */
  processed: number;
  skipped: number;
  outcome: "caught_up" | "no_cursor" | "cursor_expired";
}

/**
 * Reads a connection's events since its stored cursor, oldest first, and processes those no
 * webhook has taken (each claimed first, `catch_up`), saving the cursor after each page: what
 * a missed or failed webhook left out is found here. An aging cursor is recorded as a warning
 * (`cursor_aging`); an expired one (`cursor_expired`) is recorded, replaced by "now", and a
 * backfill queued to cover what was lost.
 */
export async function catchUp(
  deps: SyncDeps,
  accountId: string,
  connectionId: string,
  signal?: AbortSignal,
): Promise<CatchUpResult> {
  const repos = reposOf(deps);
  const { connection, provider } = await providerForConnection(deps, accountId, connectionId);
  const result: CatchUpResult = { processed: 0, skipped: 0, outcome: "caught_up" };
  const start = connection.event_cursor;
  // No cursor yet: the first backfill takes it.
  if (!start) return { ...result, outcome: "no_cursor" };
  const nowSeconds = Math.floor((deps.clock ?? { now: Date.now }).now() / 1000);
  const agingAfter = (provider.eventRetentionDays - AGING_MARGIN_DAYS) * DAY_SECONDS;
  if (nowSeconds - start.created > agingAfter) {
    await repos.billingConnections.recordError(accountId, connectionId, {
      code: "cursor_aging",
      message: `The event cursor is older than ${provider.eventRetentionDays - AGING_MARGIN_DAYS} days: the provider drops events after ${provider.eventRetentionDays}.`,
    });
  }
  let cursor: EventCursor = start;
  let seen = 0;
  try {
    for await (const page of provider.eventsSince(start, signal)) {
      for (const event of page.events) {
        seen++;
        const claim = { id: event.id, type: event.providerType, created: event.created };
        if (!(await repos.providerEvents.claim(connectionId, accountId, claim, "catch_up"))) {
          result.skipped++;
          continue;
        }
        try {
          const toProcess = eventToProcess(event);
          await processEvent(repos, connection, provider, toProcess, deps.config.stripe, signal);
        } catch (error) {
          await repos.providerEvents.release(connectionId, event.id);
          throw error;
        }
        await repos.providerEvents.markProcessed(connectionId, event.id);
        result.processed++;
      }
      cursor = page.cursor;
      await repos.billingConnections.saveEventCursor(accountId, connectionId, cursor);
      signal?.throwIfAborted();
    }
  } catch (error) {
    if (!(error instanceof BillingError && error.code === "cursor_expired")) throw error;
    await repos.billingConnections.recordError(accountId, connectionId, {
      code: "cursor_expired",
      message: error.message,
    });
    const now = await provider.eventCursor(signal);
    await repos.billingConnections.saveEventCursor(accountId, connectionId, now);
    await startBackfill(deps, accountId, connectionId);
    return { ...result, outcome: "cursor_expired" };
  }
  // Nothing happened: the cursor moves to about now, so a quiet account's never ages.
  if (seen === 0 && cursor.created < nowSeconds - QUIET_MARGIN_SECONDS) {
    const quiet = { eventId: null, created: nowSeconds - QUIET_MARGIN_SECONDS };
    await repos.billingConnections.saveEventCursor(accountId, connectionId, quiet);
  }
  return result;
}

/** One catch-up job per connection, rescheduling itself; it ends with its connection. */
export const billingCatchUp: JobKind<{ connectionId: string }> = defineJobKind({
  kind: "billing.catch_up",
  maxAttempts: 5,
  retry: { retryBaseMs: 60_000, maxDelayMs: 3600_000 },
  async run(payload, job) {
    if (!job.accountId) throw new Error("A billing catch-up job names its account.");
    const deps = job.services;
    try {
      await catchUp(deps, job.accountId, payload.connectionId, job.signal);
    } catch (error) {
      if (error instanceof AppError && error.code === "not_found") return undefined;
      throw error;
    }
    return { runAgainInMs: deps.config.stripe.catchUpMinutes * 60_000 };
  },
});

/** Queues a connection's periodic catch-up (once: a dedupe key per connection). */
export async function scheduleCatchUp(
  db: Database,
  accountId: string,
  connectionId: string,
  options: { delayMs?: number } = {},
): Promise<void> {
  await billingCatchUp.enqueue(
    db,
    { connectionId },
    { accountId, dedupeKey: `billing.catch_up:${connectionId}`, rerunFinished: true, ...options },
  );
}

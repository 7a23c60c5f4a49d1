import type { WebhookConfig } from "../config.js";
import type { Database } from "../db/database.js";
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  createWebhookDeliveriesRepository,
} from "../db/repositories/webhook-deliveries.js";
import { deliveryRequest } from "./delivery-request.js";
import { postJson } from "./http-post.js";
import { retryDelayMs } from "./retry-delay.js";

export interface WorkerLogger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WebhookWorkerOptions {
  db: Database;
  config: WebhookConfig;
  /** For links in Slack messages. */
  publicUrl: string;
  log: WorkerLogger;
  /** Deliveries claimed and sent at once. */
  batchSize?: number;
}

const DAY_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
const PRUNE_BATCH = 1000;

function outcomeOf(
  claimed: ClaimedDelivery,
  config: WebhookConfig,
  statusCode: number | null,
): AttemptOutcome["next"] {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return { status: "delivered" };
  if (claimed.attempts >= config.maxAttempts) return { status: "failed" };
  return { status: "pending", delayMs: retryDelayMs(claimed.attempts, config) };
}

/**
 * Drains the delivery queue: claims due deliveries (any number of workers, in any number of
 * processes, may run side by side), sends each, and settles it: delivered on 2xx, else
 * retried later with backoff until attempts run out. At least once: a worker that dies
 * between the receiver's 2xx and the database's note of it sends that delivery again
 * after the lease, with the same id for the receiver to dedupe on.
 */
export function createWebhookWorker(options: WebhookWorkerOptions) {
  const { config, log } = options;
  const deliveries = createWebhookDeliveriesRepository(options.db);
  const batchSize = options.batchSize ?? 10;
  // Long past the slowest possible send, so a live worker never loses its claim.
  const leaseMs = config.timeoutMs * 2 + 30_000;
  let running: Promise<void> | null = null;
  let stopping = false;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  let prunedAt = 0;

  async function attempt(claimed: ClaimedDelivery): Promise<void> {
    const request = deliveryRequest(claimed, claimed, options.publicUrl);
    const attemptedAt = new Date();
    const result = await postJson(claimed.url, request.headers, request.body, config);
    const next = outcomeOf(claimed, config, result.statusCode);
    const redirected =
      result.statusCode !== null && result.statusCode >= 300 && result.statusCode < 400;
    const error = result.error ?? (redirected ? "redirects are not followed" : null);
    await deliveries.complete(claimed, {
      attemptedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error,
      responseBody: result.body,
      next,
    });
    if (next.status === "delivered") {
      log.debug({ delivery: claimed.id, endpoint: claimed.endpoint_id }, "webhook delivered");
    } else {
      log.info(
        {
          delivery: claimed.id,
          endpoint: claimed.endpoint_id,
          attempt: claimed.attempts,
          status: result.statusCode,
          error,
          next: next.status,
        },
        "webhook attempt failed",
      );
    }
  }

  /** One round: claim what is due, send it all, settle it. Returns how many were sent. */
  async function runOnce(): Promise<number> {
    const claimed = await deliveries.claimDue(batchSize, leaseMs);
    await Promise.all(claimed.map(attempt));
    return claimed.length;
  }

  /** Drops settled deliveries older than the log keeps them; returns how many went. */
  async function pruneLog(now = new Date()): Promise<number> {
    if (config.logDays === 0) return 0;
    const before = new Date(now.getTime() - config.logDays * DAY_MS);
    let pruned = 0;
    for (;;) {
      const deleted = await deliveries.pruneSettled(before, PRUNE_BATCH);
      pruned += deleted;
      if (deleted < PRUNE_BATCH || stopping) return pruned;
    }
  }

  function idle(ms: number): Promise<void> {
    if (woken) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      let sent = 0;
      try {
        sent = await runOnce();
        // Every worker prunes now and then; two doing it at once delete disjoint rows or none.
        if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = Date.now();
          const pruned = await pruneLog();
          if (pruned > 0) log.info({ pruned }, "old webhook deliveries removed from the log");
        }
      } catch (error) {
        log.error({ err: error }, "webhook worker round failed");
      }
      // A full batch suggests more are due: go on without waiting.
      if (sent < batchSize && !stopping) await idle(config.pollMs);
    }
  }

  return {
    runOnce,
    pruneLog,

    start(): void {
      if (running) return;
      stopping = false;
      running = loop();
    },

    /** Look for due deliveries now (a ping or redelivery was just queued in this process). */
    wake(): void {
      if (wakeUp) wakeUp();
      else woken = true;
    },

    /** Finishes the deliveries in flight, then stops. */
    async stop(): Promise<void> {
      stopping = true;
      wakeUp?.();
      await running;
      running = null;
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;

import type { WebhookConfig } from "../config.js";
import type { DatabaseHandle } from "../db/database.js";
import type { NotificationSubscriber, Unlisten } from "../db/notifications.js";
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
  /** The queue, and its notifications of deliveries to send. */
  database: Pick<DatabaseHandle, "db" | "listen">;
  config: WebhookConfig;
  /** For links in Slack messages. */
  publicUrl: string;
  log: WorkerLogger;
  /** Deliveries claimed and sent at once. */
  batchSize?: number;
}

/** The channel the queue's triggers notify (migration 0009). */
const QUEUE_CHANNEL = "webhook_deliveries";
const DAY_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
const PRUNE_BATCH = 1000;
/**
 * The shortest sleep until a retry: one due already but not claimed is being claimed by
 * another worker or locked by someone else, and asking again at once would spin.
 */
const MIN_RETRY_SLEEP_MS = 100;

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
  const deliveries = createWebhookDeliveriesRepository(options.database.db);
  const batchSize = options.batchSize ?? 10;
  // Long past the slowest possible send, so a live worker never loses its claim.
  const leaseMs = config.timeoutMs * 2 + 30_000;
  let running: Promise<void> | null = null;
  let stopping = false;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  // Null until the database first says whether notifications flow.
  let listening: boolean | null = null;
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

  function wake(): void {
    if (wakeUp) wakeUp();
    else woken = true;
  }

  const subscriber: NotificationSubscriber = {
    notified: wake,
    listening(on, error) {
      // Said only once it comes back after a loss: at start it would be noise above the
      // server's banner.
      if (on && listening === false) {
        log.info({ pollMs: config.notifiedPollMs }, "webhook worker hears of new deliveries again");
      }
      listening = on;
      if (!on) {
        log.error(
          { err: error, pollMs: config.pollMs },
          "webhook worker cannot hear of new deliveries: polling for them until it can again",
        );
      }
    },
  };

  async function subscribe(): Promise<Unlisten | null> {
    try {
      return await options.database.listen(QUEUE_CHANNEL, subscriber);
    } catch (error) {
      subscriber.listening(false, error as Error);
      return null;
    }
  }

  /** Until the next retry is due, or the next poll if that comes first. */
  async function untilNextDue(): Promise<number> {
    const pollMs = listening ? config.notifiedPollMs : config.pollMs;
    const dueInMs = await deliveries.nextDueInMs();
    if (dueInMs === null) return pollMs;
    return Math.min(pollMs, Math.max(MIN_RETRY_SLEEP_MS, Math.ceil(dueInMs)));
  }

  async function loop(): Promise<void> {
    // Before the first round: whatever is queued after it is heard of.
    const unlisten = await subscribe();
    while (!stopping) {
      // After a failed round, the short interval: queries may fail while notifications flow.
      let sleepMs = config.pollMs;
      try {
        const sent = await runOnce();
        // Every worker prunes now and then; two doing it at once delete disjoint rows or none.
        if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = Date.now();
          const pruned = await pruneLog();
          if (pruned > 0) log.info({ pruned }, "old webhook deliveries removed from the log");
        }
        // A full batch suggests more are due: go on without waiting.
        if (sent === batchSize) continue;
        sleepMs = await untilNextDue();
      } catch (error) {
        log.error({ err: error }, "webhook worker round failed");
      }
      if (!stopping) await idle(sleepMs);
    }
    await unlisten?.().catch((error) =>
      log.error({ err: error }, "webhook worker unlisten failed"),
    );
  }

  return {
    runOnce,
    pruneLog,

    start(): void {
      if (running) return;
      stopping = false;
      running = loop();
    },

    /** Finishes the deliveries in flight, then stops listening and stops. */
    async stop(): Promise<void> {
      stopping = true;
      wakeUp?.();
      await running;
      running = null;
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;

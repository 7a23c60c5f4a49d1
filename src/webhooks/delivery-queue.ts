import type { WebhookConfig } from "../config.js";
import type { Database } from "../db/database.js";
import {
  type ClaimedDelivery,
  createWebhookDeliveriesRepository,
} from "../db/repositories/webhook-deliveries.js";
import type { Keyring } from "../db/secrets/keyring.js";
import { afterFailure } from "../jobs/backoff.js";
import { deleteInBatches, type WorkerLogger, type WorkQueue } from "../jobs/work-queue.js";
import { deliveryRequest } from "./delivery-request.js";
import { type PostResult, postJson } from "./http-post.js";

export interface DeliveryQueueOptions {
  /** The queue, and the delivery log. */
  database: { db: Database };
  /** Opens the endpoints' signing secrets. */
  secrets: Keyring;
  config: WebhookConfig;
  /** For links in Slack messages. */
  publicUrl: string;
  log: WorkerLogger;
  /** Deliveries one worker sends at once. */
  concurrency?: number;
}

/** The channel the queue's triggers notify (migration 0009). */
const QUEUE_CHANNEL = "webhook_deliveries";
const DAY_MS = 24 * 3600_000;
const UNREADABLE_SECRET =
  "not sent: the endpoint's signing secret could not be opened with this server's keys";

/**
 * The webhook delivery queue, as the runner (src/jobs/runner.ts) drains it: each claimed
 * delivery is sent and settled: delivered on 2xx, else retried later with backoff until
 * attempts run out. At least once: a worker that dies between the receiver's 2xx and the
 * database's note of it sends that delivery again after the lease, with the same id for the
 * receiver to dedupe on.
 */
export function createDeliveryQueue(options: DeliveryQueueOptions): WorkQueue {
  const { config, log } = options;
  const deliveries = createWebhookDeliveriesRepository(options.database.db, {
    secrets: options.secrets,
  });

  /**
   * Sends the delivery, unless its signing secrets would not open: then it is not sent
   * unsigned, and the attempt fails (retried later: the keys may be fixed by then). The
   * details (which key) go to the operator's log, not to the account's delivery log.
   */
  async function send(claimed: ClaimedDelivery): Promise<PostResult> {
    if (claimed.secret_error !== null) {
      log.error({ delivery: claimed.id, endpoint: claimed.endpoint_id }, claimed.secret_error);
      return { statusCode: null, error: UNREADABLE_SECRET, body: null, durationMs: 0 };
    }
    const request = deliveryRequest(claimed, claimed, options.publicUrl);
    return postJson(claimed.url, request.headers, request.body, config);
  }

  async function attempt(claimed: ClaimedDelivery): Promise<void> {
    const attemptedAt = new Date();
    const result = await send(claimed);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const next = ok
      ? { status: "delivered" as const }
      : afterFailure(claimed.attempts, config.maxAttempts, config);
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

  return {
    name: "webhook deliveries",
    channel: QUEUE_CHANNEL,
    concurrency: options.concurrency ?? 10,
    // Long past the slowest possible send, so a live worker never loses its claim.
    leaseMs: config.timeoutMs * 2 + 30_000,
    async claim(limit, leaseMs) {
      const claimed = await deliveries.claimDue(limit, leaseMs);
      return claimed.map((delivery) => ({ run: () => attempt(delivery) }));
    },
    nextDueInMs: () => deliveries.nextDueInMs(),
    /** Drops settled deliveries older than the log keeps them; returns how many went. */
    prune(signal) {
      if (config.logDays === 0) return Promise.resolve(0);
      const before = new Date(Date.now() - config.logDays * DAY_MS);
      return deleteInBatches((limit) => deliveries.pruneSettled(before, limit), signal);
    },
  };
}

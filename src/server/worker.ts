import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/database.js";
import type { Keyring } from "../db/secrets/keyring.js";
import type { JobKind } from "../jobs/job-kind.js";
import { createJobQueue } from "../jobs/job-queue.js";
import { createRunner } from "../jobs/runner.js";
import type { WorkerLogger } from "../jobs/work-queue.js";
import { campaignTick } from "../mail/campaign-tick.js";
import { emailSend } from "../mail/send-email.js";
import { offerSaveCheck } from "../offers/save-check.js";
import { billingBackfill } from "../sync/backfill.js";
import { billingEvent } from "../sync/billing-event.js";
import { billingCatchUp } from "../sync/catch-up.js";
import { createDeliveryQueue } from "../webhooks/delivery-queue.js";

/**
 * Every kind of job a worker runs. A feature that adds one (a billing sync, an email)
 * registers it here, so that `start`'s worker and `cancel-insights worker` both run it.
 */
export const JOB_KINDS: readonly JobKind[] = [
  billingBackfill,
  billingEvent,
  billingCatchUp,
  emailSend,
  offerSaveCheck,
  campaignTick,
];

export interface WorkerOptions {
  config: Config;
  database: Pick<DatabaseHandle, "db" | "listen">;
  /** Opens the webhook signing secrets. */
  secrets: Keyring;
  log: WorkerLogger;
  /** What jobs decide by (`JobServices.now`); the system clock unless a test controls it. */
  now?: () => number;
}

/** The background worker: webhook deliveries and every registered kind of job. */
export function createWorker({ config, database, secrets, log, now = Date.now }: WorkerOptions) {
  return createRunner({
    database,
    log,
    pollMs: config.jobs.pollMs,
    notifiedPollMs: config.jobs.notifiedPollMs,
    queues: [
      createDeliveryQueue({
        database,
        secrets,
        config: config.webhooks,
        publicUrl: config.publicUrl,
        log,
      }),
      createJobQueue({
        db: database.db,
        kinds: JOB_KINDS,
        concurrency: config.jobs.concurrency,
        logDays: config.jobs.logDays,
        log,
        services: { db: database.db, secrets, config, log, now },
      }),
    ],
  });
}

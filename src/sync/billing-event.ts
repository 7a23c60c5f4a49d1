import { AppError } from "../errors.js";
import { defineJobKind, type JobKind } from "../jobs/job-kind.js";
import { reposOf } from "./deps.js";
import { type EventToProcess, processEvent } from "./process-event.js";
import { providerForConnection } from "./provider-for-connection.js";

export interface BillingEventPayload extends Omit<EventToProcess, "id"> {
  connectionId: string;
  eventId: string;
}

/**
 * A webhook's event, processed after the route answered: the object fetched again and
 * applied, then the event marked processed. A failure is retried; the claim stays held, so
 * the catch-up leaves the event to this job (or takes it once the claim is stale).
 */
export const billingEvent: JobKind<BillingEventPayload> = defineJobKind({
  kind: "billing.event",
  maxAttempts: 8,
  retry: { retryBaseMs: 10_000, maxDelayMs: 3600_000 },
  async run(payload, job) {
    if (!job.accountId) throw new Error("A billing event job names its account.");
    const deps = job.services;
    let opened: Awaited<ReturnType<typeof providerForConnection>>;
    try {
      opened = await providerForConnection(deps, job.accountId, payload.connectionId);
    } catch (error) {
      // Disconnected since: its events are history now.
      if (error instanceof AppError && error.code === "not_found") return undefined;
      throw error;
    }
    const repos = reposOf(deps);
    const event = { ...payload, id: payload.eventId };
    const { connection, provider } = opened;
    await processEvent(repos, connection, provider, event, deps.config.stripe, job.signal);
    await repos.providerEvents.markProcessed(payload.connectionId, payload.eventId);
    return undefined;
  },
});

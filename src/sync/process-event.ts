import type { BillingEvent, BillingProvider } from "../billing/provider.js";
import type { StripeSettings } from "../config.js";
import type { BillingConnection } from "../db/repositories/billing-connections.js";
import type { Repositories } from "../db/repositories/index.js";
import { applySubscription } from "./apply-subscription.js";
import { customerRow, mrrOptions } from "./subscription-row.js";

/** What processing an event needs of it: a webhook job's payload, or an event the catch-up read. */
export interface EventToProcess {
  id: string;
  type: BillingEvent["type"];
  /** The customer's or the subscription's id. */
  objectId: string | null;
  /** Unix seconds. */
  created: number;
  request: BillingEvent["request"];
}

export function eventToProcess(event: BillingEvent): EventToProcess {
  const object = event.object;
  return {
    id: event.id,
    type: event.type,
    objectId:
      object.kind === "subscription"
        ? object.subscription.id
        : object.kind === "customer"
          ? object.customer.id
          : object.id,
    created: event.created,
    request: event.request,
  };
}

/**
 * An event's object, fetched again rather than trusted from the event (an event's copy names
 * discounts by id only, and two events of one second cannot be ordered), then stored: a
 * subscription through `applySubscription` with the event's request as the cause, a customer
 * upserted (a deleted one kept, as deleted). Events of other kinds change nothing.
 */
export async function processEvent(
  repos: Repositories,
  connection: BillingConnection,
  provider: BillingProvider,
  event: EventToProcess,
  settings: StripeSettings,
  signal?: AbortSignal,
): Promise<void> {
  const { objectId } = event;
  if (objectId === null || event.type === "other") return;
  if (event.type.startsWith("subscription.")) {
    const subscription = await provider.subscription(objectId, signal);
    if (subscription) {
      const mrr = mrrOptions(settings, Math.floor(subscription.origin.asOfMs / 1000));
      await applySubscription(repos, connection, subscription, event.request, event.created, mrr);
    }
    return;
  }
  const customer = await provider.customer(objectId, signal);
  const row = customer
    ? customerRow(connection, customer)
    : customerRow(connection, {
        id: objectId,
        created: null,
        email: null,
        name: null,
        deleted: true,
        livemode: connection.mode === "live",
        raw: { id: objectId, deleted: true },
      });
  await repos.billingCustomers.upsertMany([row]);
}

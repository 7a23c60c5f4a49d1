import type { BillingCustomer, BillingProvider, BillingSubscription } from "../provider.js";
import {
  openStripeConnection,
  type StripeConnection,
  type StripeConnectionOptions,
} from "./connection.js";
import { isMissing } from "./errors.js";
import { eventPagesSince, latestEventCursor } from "./events.js";
import {
  customerPages,
  mapFetched,
  probeCreated,
  SUBSCRIPTION_EXPAND,
  subscriptionPages,
} from "./lists.js";
import { mapCustomer } from "./map.js";
import { stripeOfferActions } from "./offers.js";
import { parseStripeWebhook } from "./webhooks.js";

export interface StripeProviderOptions extends StripeConnectionOptions {
  /** How old a webhook's signature may be; Stripe's default 300 s. */
  webhookToleranceSeconds?: number;
}

/** How long Stripe keeps events for `/v1/events`. */
const EVENT_RETENTION_DAYS = 30;

/** Null for Stripe's "no such object". */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

function fetchCustomer(
  connection: StripeConnection,
  id: string,
  signal?: AbortSignal,
): Promise<BillingCustomer | null> {
  const read = connection.call(() => connection.stripe.customers.retrieve(id), signal);
  return orNull(read.then((customer) => mapCustomer(customer, connection.mode === "live")));
}

async function fetchSubscription(
  connection: StripeConnection,
  id: string,
  signal?: AbortSignal,
): Promise<BillingSubscription | null> {
  const read = () => connection.stripe.subscriptions.retrieve(id, { expand: SUBSCRIPTION_EXPAND });
  const found = await orNull(connection.call(read, signal));
  if (!found) return null;
  const [mapped] = await mapFetched(connection, [found], signal);
  return mapped ?? null;
}

/**
 * Stripe as a BillingProvider: one per connected account and mode (the key says which), all
 * its requests under one rate limiter.
 */
export function createStripeProvider(options: StripeProviderOptions): BillingProvider {
  const connection = openStripeConnection(options);
  return {
    provider: "stripe",
    mode: connection.mode,
    eventRetentionDays: EVENT_RETENTION_DAYS,
    customers: (list) => customerPages(connection, list),
    subscriptions: (list) => subscriptionPages(connection, list),
    pageSize: connection.pageSize,
    probeCreated: (list, probe) => probeCreated(connection, list, probe),
    customer: (id, signal) => fetchCustomer(connection, id, signal),
    subscription: (id, signal) => fetchSubscription(connection, id, signal),
    eventCursor: (signal) => latestEventCursor(connection, signal),
    eventsSince: (cursor, signal) => eventPagesSince(connection, cursor, signal),
    parseWebhook: (request) =>
      parseStripeWebhook(request, {
        now: connection.clock.now,
        coupons: connection.coupons.lookup,
        toleranceSeconds: options.webhookToleranceSeconds,
      }),
    offers: stripeOfferActions(connection),
  };
}

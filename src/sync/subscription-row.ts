import { BillingError } from "../billing/billing-error.js";
import { type MonthlyAmount, type MrrOptions, monthlyValue, mrr } from "../billing/mrr.js";
import type { BillingCustomer, BillingPrice, BillingSubscription } from "../billing/provider.js";
import type { StripeSettings } from "../config.js";
import type { BillingConnection } from "../db/repositories/billing-connections.js";
import type { NewBillingCustomer } from "../db/repositories/billing-customers.js";
import type { SubscriptionSnapshot } from "../db/repositories/billing-subscriptions.js";

type ConnectionKey = Pick<BillingConnection, "id" | "account_id" | "mode">;

const dateOf = (seconds: number | null): Date | null =>
  seconds === null ? null : new Date(seconds * 1000);

const planOf = (price: BillingPrice): string | null => price.nickname ?? price.productName;

/**
 * A subscription whose items disagree on currency has no one amount: it is stored with 0
 * rather than fail the page it came in (Stripe refuses to make one, so it is a curiosity).
 */
function amountOr0(read: () => MonthlyAmount): number {
  try {
    return read().amount;
  } catch (error) {
    if (error instanceof BillingError && error.code === "mixed_currencies") return 0;
    throw error;
  }
}

/** The plan's name: its items' plans, each once, in their order; null when none is named. */
function planName(subscription: BillingSubscription): string | null {
  const names = new Set<string>();
  for (const item of subscription.items) {
    const name = item.price.recurring ? planOf(item.price) : null;
    if (name) names.add(name);
  }
  return names.size === 0 ? null : [...names].join(" + ");
}

/**
 * A provider's subscription as the stored snapshot: its MRR now (by status) and its monthly
 * value whatever the status (the MRR lost when it ends), integer minor units rounded once by
 * src/billing/mrr.ts; the snapshot's origin feeds the ordering guard.
 */
/** How MRR is counted now, by the settings: which discounts lower it, as of `at`. */
export function mrrOptions(
  settings: Pick<StripeSettings, "mrrDiscountDurations">,
  at: number,
): MrrOptions {
  return { discountDurations: settings.mrrDiscountDurations, asOf: at };
}

export function subscriptionRow(
  connection: ConnectionKey,
  subscription: BillingSubscription,
  options: MrrOptions,
): SubscriptionSnapshot {
  const s = subscription;
  return {
    connection_id: connection.id,
    account_id: connection.account_id,
    id: s.id,
    customer_id: s.customerId,
    test_mode: connection.mode === "test",
    status: s.status,
    currency: s.currency,
    mrr_amount: amountOr0(() => mrr(s, options)),
    monthly_value: amountOr0(() => monthlyValue(s, options)),
    plan: planName(s),
    items: s.items.map((item) => ({
      priceId: item.price.id,
      plan: planOf(item.price),
      quantity: item.quantity,
      interval: item.price.recurring?.interval ?? null,
      intervalCount: item.price.recurring?.intervalCount ?? null,
    })),
    created: dateOf(s.created),
    trial_end: dateOf(s.trialEnd),
    current_period_end: dateOf(s.currentPeriodEnd),
    cancel_at: dateOf(s.cancelAt),
    canceled_at: dateOf(s.canceledAt),
    ended_at: dateOf(s.endedAt),
    cancel_at_period_end: s.cancelAtPeriodEnd,
    paused_collection: s.pausedCollection,
    cancellation_details: s.cancellationDetails,
    raw: s.raw,
    observed_at_ms: s.origin.asOfMs,
    observed_source: s.origin.source,
  };
}

export function customerRow(
  connection: ConnectionKey,
  customer: BillingCustomer,
): NewBillingCustomer {
  return {
    connection_id: connection.id,
    account_id: connection.account_id,
    id: customer.id,
    test_mode: connection.mode === "test",
    email: customer.email,
    name: customer.name,
    created: dateOf(customer.created),
    deleted: customer.deleted,
    raw: customer.raw,
  };
}

import type Stripe from "stripe";
import { addInterval, planObject } from "./objects.js";

export interface SubscriptionItemInput {
  id: string;
  price: Stripe.Price;
  quantity?: number;
  discounts?: Stripe.Discount[];
  taxRates?: Stripe.TaxRate[];
}

export interface SubscriptionInput {
  id: string;
  customer: string;
  created: number;
  items: SubscriptionItemInput[];
  status?: Stripe.Subscription.Status;
  trialEnd?: number | null;
  discounts?: Stripe.Discount[];
  automaticTax?: boolean;
}

/** The billing period around `now` of a subscription started at `anchor`. */
export function periodAround(
  anchor: number,
  recurring: Stripe.Price.Recurring | null,
  now: number,
): { start: number; end: number } {
  const interval = recurring?.interval ?? "month";
  const count = recurring?.interval_count ?? 1;
  let start = anchor;
  // Days and weeks are fixed lengths: jump straight to the period; months and years step.
  if (interval === "day" || interval === "week") {
    const length = (interval === "day" ? 86_400 : 604_800) * count;
    start = anchor + Math.max(0, Math.floor((now - anchor) / length)) * length;
  }
  let end = addInterval(start, interval, count);
  while (end <= now) {
    start = end;
    end = addInterval(start, interval, count);
  }
  return { start, end };
}

/** A subscription as Stripe returns it, in its current period as of `now`. */
export function subscriptionObject(
  input: SubscriptionInput,
  now: number,
  livemode: boolean,
): Stripe.Subscription {
  const first = input.items[0]?.price;
  const trialEnd = input.trialEnd ?? null;
  const period =
    trialEnd !== null && trialEnd > now
      ? { start: input.created, end: trialEnd }
      : periodAround(trialEnd ?? input.created, first?.recurring ?? null, now);
  const items: Stripe.SubscriptionItem[] = input.items.map((item) => ({
    id: item.id,
    object: "subscription_item",
    billing_thresholds: null,
    created: input.created,
    current_period_end: period.end,
    current_period_start: period.start,
    current_trial: null,
    discounts: item.discounts ?? [],
    metadata: {},
    plan: planObject(item.price),
    price: item.price,
    ...(item.price.recurring?.usage_type === "metered" ? {} : { quantity: item.quantity ?? 1 }),
    subscription: input.id,
    tax_rates: item.taxRates ?? [],
  }));
  return {
    id: input.id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: input.automaticTax ?? false, liability: null },
    billing_cycle_anchor: trialEnd ?? input.created,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: "charge_automatically",
    created: input.created,
    currency: first?.currency ?? "usd",
    customer: input.customer,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: input.discounts ?? [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    items: {
      object: "list",
      data: items,
      has_more: false,
      url: `/v1/subscription_items?subscription=${input.id}`,
    },
    latest_invoice: null,
    livemode,
    managed_payments: null,
    metadata: {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: null,
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: input.created,
    status: input.status ?? (trialEnd !== null && trialEnd > now ? "trialing" : "active"),
    test_clock: null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: "create_invoice" },
    },
    trial_start: trialEnd === null ? null : input.created,
  };
}

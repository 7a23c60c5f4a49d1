import Stripe from "stripe";

/**
 * Whole Stripe objects as the API returns them, typed with the SDK's own types, so that the
 * compiler holds the fake server to Stripe's shapes. Fields the sync never reads get the
 * value a plain account has. Times are Unix seconds.
 */

export interface PriceInput {
  id: string;
  created: number;
  currency: string;
  product: string;
  unitAmount?: number | null;
  recurring?: {
    interval: Stripe.Price.Recurring.Interval;
    intervalCount?: number;
    metered?: boolean;
  } | null;
  tiers?: { upTo: number | null; unitAmount?: number; flatAmount?: number }[];
  tiersMode?: Stripe.Price.TiersMode;
  transformQuantity?: Stripe.Price.TransformQuantity;
  nickname?: string | null;
  taxBehavior?: Stripe.Price.TaxBehavior;
}

const decimal = (value: number | null | undefined) =>
  value === null || value === undefined ? null : Stripe.Decimal.from(value);

export function priceObject(input: PriceInput, livemode: boolean): Stripe.Price {
  const tiered = input.tiers !== undefined;
  return {
    id: input.id,
    object: "price",
    active: true,
    billing_scheme: tiered ? "tiered" : "per_unit",
    created: input.created,
    currency: input.currency,
    custom_unit_amount: null,
    livemode,
    lookup_key: null,
    metadata: {},
    nickname: input.nickname ?? null,
    product: input.product,
    recurring: input.recurring
      ? {
          interval: input.recurring.interval,
          interval_count: input.recurring.intervalCount ?? 1,
          meter: input.recurring.metered ? "mtr_fake" : null,
          trial_period_days: null,
          usage_type: input.recurring.metered ? "metered" : "licensed",
        }
      : null,
    tax_behavior: input.taxBehavior ?? "unspecified",
    ...(tiered
      ? {
          tiers: (input.tiers ?? []).map((tier) => ({
            flat_amount: tier.flatAmount ?? null,
            flat_amount_decimal: decimal(tier.flatAmount),
            unit_amount: tier.unitAmount ?? null,
            unit_amount_decimal: decimal(tier.unitAmount),
            up_to: tier.upTo,
          })),
        }
      : {}),
    tiers_mode: tiered ? (input.tiersMode ?? "graduated") : null,
    transform_quantity: input.transformQuantity ?? null,
    type: input.recurring ? "recurring" : "one_time",
    unit_amount: tiered ? null : (input.unitAmount ?? null),
    unit_amount_decimal: tiered ? null : decimal(input.unitAmount),
  };
}

/** The legacy plan Stripe still puts on each subscription item, from its price. */
export function planObject(price: Stripe.Price): Stripe.Plan {
  const recurring = price.recurring ?? {
    interval: "month",
    interval_count: 1,
    meter: null,
    trial_period_days: null,
    usage_type: "licensed",
  };
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: price.livemode,
    metadata: price.metadata,
    meter: recurring.meter,
    nickname: price.nickname,
    product: price.product,
    ...(price.tiers ? { tiers: price.tiers } : {}),
    tiers_mode: price.tiers_mode,
    transform_usage: null,
    trial_period_days: recurring.trial_period_days,
    usage_type: recurring.usage_type,
  };
}

export interface CouponInput {
  id: string;
  created: number;
  duration: Stripe.Coupon.Duration;
  durationInMonths?: number;
  percentOff?: number;
  amountOff?: number;
  currency?: string;
  name?: string;
}

export function couponObject(input: CouponInput, livemode: boolean): Stripe.Coupon {
  return {
    id: input.id,
    object: "coupon",
    amount_off: input.amountOff ?? null,
    created: input.created,
    currency: input.amountOff === undefined ? null : (input.currency ?? "usd"),
    duration: input.duration,
    duration_in_months: input.durationInMonths ?? null,
    livemode,
    max_redemptions: null,
    metadata: {},
    name: input.name ?? null,
    percent_off: input.percentOff ?? null,
    redeem_by: null,
    times_redeemed: 1,
    valid: true,
  };
}

/** A discount as stored: its coupon by id (expanded when a request asks). */
export function discountObject(fields: {
  id: string;
  coupon: Stripe.Coupon;
  customer: string;
  subscription: string;
  subscriptionItem?: string;
  start: number;
}): Stripe.Discount {
  const { coupon } = fields;
  const months = coupon.duration === "repeating" ? (coupon.duration_in_months ?? 1) : null;
  return {
    id: fields.id,
    object: "discount",
    checkout_session: null,
    customer: fields.customer,
    customer_account: null,
    end:
      coupon.duration === "forever"
        ? null
        : addInterval(fields.start, "month", coupon.duration === "once" ? 1 : (months ?? 1)),
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: coupon.id, type: "coupon" },
    start: fields.start,
    subscription: fields.subscription,
    subscription_item: fields.subscriptionItem ?? null,
  };
}

export function customerObject(
  fields: { id: string; created: number; email: string | null; name: string | null },
  livemode: boolean,
): Stripe.Customer {
  return {
    id: fields.id,
    object: "customer",
    balance: 0,
    created: fields.created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: fields.email,
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode,
    metadata: {},
    name: fields.name,
    shipping: null,
  };
}

/** `start` moved on by `count` intervals, months and years by the calendar as Stripe does. */
export function addInterval(
  start: number,
  interval: Stripe.Price.Recurring.Interval,
  count: number,
): number {
  const date = new Date(start * 1000);
  if (interval === "day") date.setUTCDate(date.getUTCDate() + count);
  else if (interval === "week") date.setUTCDate(date.getUTCDate() + 7 * count);
  else if (interval === "month") date.setUTCMonth(date.getUTCMonth() + count);
  else date.setUTCFullYear(date.getUTCFullYear() + count);
  return Math.floor(date.getTime() / 1000);
}

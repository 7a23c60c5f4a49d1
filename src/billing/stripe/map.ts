import type Stripe from "stripe";
import type {
  BillingCoupon,
  BillingCustomer,
  BillingDiscount,
  BillingInterval,
  BillingPrice,
  BillingSubscription,
  CouponDuration,
  SnapshotOrigin,
  SubscriptionStatus,
} from "../provider.js";

/** A coupon Stripe named by id only, if we have read it. */
export type CouponLookup = (id: string) => Stripe.Coupon | undefined;

const STATUSES: readonly string[] = [
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "paused",
  "incomplete",
  "incomplete_expired",
  "canceled",
];
const INTERVALS: readonly string[] = ["day", "week", "month", "year"];
const DURATIONS: readonly string[] = ["once", "repeating", "forever"];

/**
 * An amount in minor units: the decimal form when Stripe gives one (sub-cent prices), which
 * the SDK hands over as a Decimal and a webhook body as a string.
 */
function amount(whole: number | null, decimal: Stripe.Decimal | string | null): number | null {
  return decimal === null || decimal === undefined ? whole : Number(String(decimal));
}

/** A deleted customer is an id only; `livemode` is then the connection's. */
export function mapCustomer(
  customer: Stripe.Customer | Stripe.DeletedCustomer,
  livemode: boolean,
): BillingCustomer {
  if (customer.deleted) {
    const none = { created: null, email: null, name: null };
    return { id: customer.id, ...none, deleted: true, livemode, raw: customer };
  }
  return {
    id: customer.id,
    created: customer.created,
    email: customer.email,
    name: customer.name ?? null,
    deleted: false,
    livemode: customer.livemode,
    raw: customer,
  };
}

export function mapPrice(price: Stripe.Price): BillingPrice {
  const { recurring, product, tiers_mode: tiersMode } = price;
  return {
    id: price.id,
    currency: price.currency,
    billingScheme: price.billing_scheme === "tiered" ? "tiered" : "per_unit",
    unitAmount: amount(price.unit_amount, price.unit_amount_decimal),
    tiersMode: tiersMode === "graduated" ? "graduated" : tiersMode === "volume" ? "volume" : null,
    tiers: (price.tiers ?? []).map((tier) => ({
      upTo: tier.up_to,
      unitAmount: amount(tier.unit_amount, tier.unit_amount_decimal) ?? 0,
      flatAmount: amount(tier.flat_amount, tier.flat_amount_decimal) ?? 0,
    })),
    transformQuantity: price.transform_quantity
      ? {
          divideBy: price.transform_quantity.divide_by,
          round: price.transform_quantity.round === "up" ? "up" : "down",
        }
      : null,
    // An interval this code does not know cannot be made monthly: counted as no recurring price.
    recurring:
      recurring && INTERVALS.includes(recurring.interval)
        ? {
            interval: recurring.interval as BillingInterval,
            intervalCount: recurring.interval_count,
            usageType: recurring.usage_type === "metered" ? "metered" : "licensed",
          }
        : null,
    nickname: price.nickname,
    productId: typeof product === "string" ? product : product.id,
    productName: typeof product === "string" || product.deleted ? null : product.name,
  };
}

export function mapCoupon(coupon: Stripe.Coupon): BillingCoupon {
  const amountOffIn: Record<string, number> = {};
  for (const [currency, option] of Object.entries(coupon.currency_options ?? {})) {
    amountOffIn[currency] = option.amount_off;
  }
  return {
    id: coupon.id,
    percentOff: coupon.percent_off,
    amountOff: coupon.amount_off,
    currency: coupon.currency,
    amountOffIn,
    // An unknown duration counts as the shortest: left out of MRR by default.
    duration: (DURATIONS.includes(coupon.duration) ? coupon.duration : "once") as CouponDuration,
    durationInMonths: coupon.duration_in_months,
  };
}

function mapDiscount(discount: string | Stripe.Discount, coupons: CouponLookup): BillingDiscount {
  if (typeof discount === "string") return { id: discount, coupon: null, start: null, end: null };
  const source = discount.source.coupon;
  const coupon = typeof source === "string" ? coupons(source) : source;
  return {
    id: discount.id,
    coupon: coupon ? mapCoupon(coupon) : null,
    start: discount.start,
    end: discount.end,
  };
}

export function mapSubscription(
  subscription: Stripe.Subscription,
  origin: SnapshotOrigin,
  coupons: CouponLookup,
): BillingSubscription {
  const { customer, items, cancellation_details: details } = subscription;
  const periodEnds = items.data.map((item) => item.current_period_end);
  return {
    id: subscription.id,
    customerId: typeof customer === "string" ? customer : customer.id,
    status: (STATUSES.includes(subscription.status)
      ? subscription.status
      : "other") as SubscriptionStatus,
    currency: subscription.currency,
    items: items.data.map((item) => ({
      id: item.id,
      price: mapPrice(item.price),
      quantity: item.quantity ?? 1,
      discounts: item.discounts.map((d) => mapDiscount(d, coupons)),
    })),
    discounts: subscription.discounts.map((d) => mapDiscount(d, coupons)),
    created: subscription.created,
    trialEnd: subscription.trial_end,
    currentPeriodEnd: periodEnds.length > 0 ? Math.max(...periodEnds) : null,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelAt: subscription.cancel_at,
    canceledAt: subscription.canceled_at,
    endedAt: subscription.ended_at,
    pausedCollection: subscription.pause_collection !== null,
    cancellationDetails: {
      reason: details?.reason ?? null,
      feedback: details?.feedback ?? null,
      comment: details?.comment ?? null,
    },
    livemode: subscription.livemode,
    origin,
    raw: subscription,
  };
}

/** Coupons a subscription names by id only (an item's discounts: too deep to expand in a list). */
export function couponIdsOf(subscription: Stripe.Subscription): string[] {
  const discounts = [
    ...subscription.discounts,
    ...subscription.items.data.flatMap((item) => item.discounts),
  ];
  return discounts.flatMap((d) =>
    typeof d !== "string" && typeof d.source.coupon === "string" ? [d.source.coupon] : [],
  );
}

import { BillingError } from "./billing-error.js";
import type {
  BillingDiscount,
  BillingInterval,
  BillingPrice,
  BillingSubscription,
  CouponDuration,
  SubscriptionStatus,
} from "./provider.js";

/** Integer minor units per month, in the subscription's own currency. */
export interface MonthlyAmount {
  amount: number;
  currency: string;
}

export interface MrrOptions {
  /** Which coupon durations reduce MRR; by default `forever` only, as Stripe's own analytics. */
  discountDurations?: readonly CouponDuration[];
  /** Unix seconds: a discount not yet started or already ended then does not count. */
  asOf?: number;
}

/**
 * Statuses that bring revenue: `past_due` still does (the provider is retrying the payment);
 * `trialing` has not paid yet; `unpaid` has stopped paying and `paused` is not billed;
 * `incomplete` never paid its first invoice; `canceled` and `incomplete_expired` are over.
 */
const PAYING: ReadonlySet<SubscriptionStatus> = new Set(["active", "past_due"]);

/** Months in one interval's reciprocal: k = PER_MONTH[interval] / interval_count. */
const PER_MONTH: Record<BillingInterval, number> = {
  day: 365 / 12,
  week: 52 / 12,
  month: 1,
  year: 1 / 12,
};

export function monthlyFactor(interval: BillingInterval, intervalCount: number): number {
  return PER_MONTH[interval] / intervalCount;
}

export function countsAsRevenue(subscription: BillingSubscription): boolean {
  return PAYING.has(subscription.status) && !subscription.pausedCollection;
}

/** The subscription's MRR now: its monthly value while it brings revenue, else 0. */
export function mrr(subscription: BillingSubscription, options: MrrOptions = {}): MonthlyAmount {
  return countsAsRevenue(subscription)
    ? monthlyValue(subscription, options)
    : { amount: 0, currency: subscription.currency };
}

/**
 * What the subscription is worth per month whatever its status (what a canceled one was
 * worth, for lost MRR): Σ licensed items amount × k, less their discounts, less the
 * subscription's discounts. Metered items, one-off charges and tax are not in it. Kept
 * fractional throughout and rounded once, half up, at the end.
 */
export function monthlyValue(
  subscription: BillingSubscription,
  options: MrrOptions = {},
): MonthlyAmount {
  const { currency } = subscription;
  const counts = (discount: BillingDiscount) => discountCounts(discount, options);
  let total = 0;
  // An amount off comes off each invoice: as often as the most frequent item is billed.
  let invoicesPerMonth = 0;
  for (const item of subscription.items) {
    if (item.price.currency !== currency) {
      throw new BillingError(
        "mixed_currencies",
        `Subscription ${subscription.id} has items in ${item.price.currency} and ${currency}.`,
      );
    }
    const recurring = item.price.recurring;
    if (recurring === null || recurring.usageType === "metered") continue;
    const k = monthlyFactor(recurring.interval, recurring.intervalCount);
    invoicesPerMonth = Math.max(invoicesPerMonth, k);
    const amount = periodAmount(item.price, item.quantity) * k;
    total += discounted(amount, item.discounts.filter(counts), k, currency);
  }
  total = discounted(total, subscription.discounts.filter(counts), invoicesPerMonth, currency);
  return { amount: Math.round(total), currency };
}

function discountCounts(discount: BillingDiscount, options: MrrOptions): boolean {
  const coupon = discount.coupon;
  if (coupon === null) return false;
  if (!(options.discountDurations ?? ["forever"]).includes(coupon.duration)) return false;
  const asOf = options.asOf;
  if (asOf === undefined) return true;
  return (discount.start ?? asOf) <= asOf && (discount.end === null || discount.end > asOf);
}

/** Discounts in their order, each on what the previous left, never below 0. */
function discounted(
  monthly: number,
  discounts: BillingDiscount[],
  invoicesPerMonth: number,
  currency: string,
): number {
  let amount = monthly;
  for (const { coupon } of discounts) {
    if (coupon === null) continue;
    if (coupon.percentOff !== null) amount *= 1 - coupon.percentOff / 100;
    // An amount off in another currency than the subscription's does not apply to it.
    const off =
      coupon.currency === currency ? coupon.amountOff : (coupon.amountOffIn[currency] ?? null);
    if (off !== null) amount -= off * invoicesPerMonth;
    amount = Math.max(0, amount);
  }
  return amount;
}

/** What one billing period of a price costs at a quantity. */
function periodAmount(price: BillingPrice, quantity: number): number {
  if (price.billingScheme === "tiered") return tieredAmount(price, quantity);
  const transform = price.transformQuantity;
  const units = transform
    ? (transform.round === "up" ? Math.ceil : Math.floor)(quantity / transform.divideBy)
    : quantity;
  return (price.unitAmount ?? 0) * units;
}

/**
 * Volume: every unit at the price of the tier the whole quantity falls in. Graduated: each
 * tier's units at that tier's price. A tier's flat amount counts once the tier is reached;
 * quantity 0 reaches the first tier.
 */
function tieredAmount(price: BillingPrice, quantity: number): number {
  const { tiers } = price;
  if (price.tiersMode === "volume") {
    const tier = tiers.find((t) => t.upTo === null || quantity <= t.upTo) ?? tiers.at(-1);
    return tier ? quantity * tier.unitAmount + tier.flatAmount : 0;
  }
  let total = 0;
  let below = 0;
  for (const [index, tier] of tiers.entries()) {
    const top = tier.upTo ?? Number.POSITIVE_INFINITY;
    const units = Math.min(quantity, top) - below;
    if (units > 0 || index === 0) total += units * tier.unitAmount + tier.flatAmount;
    if (quantity <= top) break;
    below = top;
  }
  return total;
}

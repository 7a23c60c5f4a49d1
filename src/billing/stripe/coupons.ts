import type Stripe from "stripe";
import type { StripeCall } from "./calls.js";
import { isMissing } from "./errors.js";
import { couponIdsOf } from "./map.js";

/**
 * The coupons of one connection, read once each. A list can expand a subscription's own
 * discounts with their coupons, but an item's discounts sit a level too deep: their coupons
 * are fetched here by id. An account has few coupons, so they all fit in memory.
 */
export class CouponCache {
  private readonly known = new Map<string, Stripe.Coupon | null>();

  constructor(
    private readonly stripe: Stripe,
    private readonly call: StripeCall,
  ) {}

  /** A coupon read before; undefined when unknown or deleted. */
  readonly lookup = (id: string): Stripe.Coupon | undefined => this.known.get(id) ?? undefined;

  /** Keeps the coupons these subscriptions carry, and fetches those they name by id only. */
  async load(subscriptions: Stripe.Subscription[], signal?: AbortSignal): Promise<void> {
    for (const subscription of subscriptions) {
      const discounts = [
        ...subscription.discounts,
        ...subscription.items.data.flatMap((item) => item.discounts),
      ];
      for (const discount of discounts) {
        const coupon = typeof discount === "string" ? null : discount.source.coupon;
        if (coupon !== null && typeof coupon !== "string") this.known.set(coupon.id, coupon);
      }
    }
    const missing = new Set(subscriptions.flatMap(couponIdsOf).filter((id) => !this.known.has(id)));
    for (const id of missing) {
      try {
        this.known.set(id, await this.call(() => this.stripe.coupons.retrieve(id), signal));
      } catch (error) {
        // A deleted coupon still discounts the subscriptions that had it, but cannot be read.
        if (!isMissing(error)) throw error;
        this.known.set(id, null);
      }
    }
  }
}

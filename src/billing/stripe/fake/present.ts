import type Stripe from "stripe";

/** Expansions each kind of object answers (Stripe's `expand[]`), relative to the object. */
export const EXPANDABLE: Record<"subscription" | "other", readonly string[]> = {
  subscription: [
    "discounts",
    "discounts.source.coupon",
    "items.data.discounts",
    "items.data.discounts.source.coupon",
  ],
  other: [],
};

type CouponLookup = (id: string) => Stripe.Coupon | undefined;

/**
 * A stored subscription as a request sees it: discounts by id unless expanded, their coupons
 * by id unless expanded too. Stored discounts are whole, with their coupon by id.
 */
export function presentSubscription(
  subscription: Stripe.Subscription,
  expand: readonly string[],
  coupon: CouponLookup,
): Stripe.Subscription {
  const has = (path: string) => expand.includes(path);
  return {
    ...subscription,
    discounts: present(
      subscription.discounts,
      has("discounts") || has("discounts.source.coupon"),
      has("discounts.source.coupon"),
      coupon,
    ),
    items: {
      ...subscription.items,
      data: subscription.items.data.map((item) => ({
        ...item,
        discounts: present(
          item.discounts,
          has("items.data.discounts") || has("items.data.discounts.source.coupon"),
          has("items.data.discounts.source.coupon"),
          coupon,
        ),
      })),
    },
  };
}

function present(
  discounts: (string | Stripe.Discount)[],
  expanded: boolean,
  withCoupon: boolean,
  coupon: CouponLookup,
): (string | Stripe.Discount)[] {
  return discounts.map((discount) => {
    if (typeof discount === "string" || !expanded) {
      return typeof discount === "string" ? discount : discount.id;
    }
    const id = discount.source.coupon;
    if (!withCoupon || typeof id !== "string") return discount;
    return { ...discount, source: { ...discount.source, coupon: coupon(id) ?? id } };
  });
}

/** A copy as the wire carries it (decimals become their strings): what an event keeps. */
export function wireCopy<T>(object: T): T {
  return JSON.parse(JSON.stringify(object)) as T;
}

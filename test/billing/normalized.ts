import type {
  BillingCoupon,
  BillingDiscount,
  BillingPrice,
  BillingSubscription,
  BillingSubscriptionItem,
} from "../../src/billing/provider.js";

/** Normalized billing objects for tests: a monthly USD price unless told otherwise. */
export function price(fields: Partial<BillingPrice> = {}): BillingPrice {
  return {
    id: "price_1",
    currency: "usd",
    billingScheme: "per_unit",
    unitAmount: 1000,
    tiersMode: null,
    tiers: [],
    transformQuantity: null,
    recurring: { interval: "month", intervalCount: 1, usageType: "licensed" },
    nickname: null,
    productId: "prod_1",
    productName: null,
    ...fields,
  };
}

export function item(
  priceFields: Partial<BillingPrice> = {},
  fields: Partial<BillingSubscriptionItem> = {},
): BillingSubscriptionItem {
  return { id: "si_1", price: price(priceFields), quantity: 1, discounts: [], ...fields };
}

export function discount(
  couponFields: Partial<BillingCoupon>,
  fields: Partial<BillingDiscount> = {},
): BillingDiscount {
  return {
    id: "di_1",
    coupon: {
      id: "co_1",
      percentOff: null,
      amountOff: null,
      currency: null,
      amountOffIn: {},
      duration: "forever",
      durationInMonths: null,
      ...couponFields,
    },
    start: 1_700_000_000,
    end: null,
    ...fields,
  };
}

export function subscription(fields: Partial<BillingSubscription> = {}): BillingSubscription {
  return {
    id: "sub_1",
    customerId: "cus_1",
    status: "active",
    currency: "usd",
    items: [item()],
    discounts: [],
    created: 1_700_000_000,
    trialEnd: null,
    currentPeriodEnd: 1_702_592_000,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    pausedCollection: false,
    cancellationDetails: { reason: null, feedback: null, comment: null },
    livemode: false,
    origin: { source: "fetch", asOfMs: 1_700_000_000_000, eventId: null },
    raw: null,
    ...fields,
  };
}

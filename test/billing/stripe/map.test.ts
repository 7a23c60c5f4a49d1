import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { mrr } from "../../../src/billing/mrr.js";
import { mapEvent } from "../../../src/billing/stripe/events.js";
import { couponObject, priceObject } from "../../../src/billing/stripe/fake/objects.js";
import { subscriptionObject } from "../../../src/billing/stripe/fake/subscription-object.js";
import { mapCustomer, mapPrice, mapSubscription } from "../../../src/billing/stripe/map.js";

const NOW = 1_767_225_600;
const FETCHED = { source: "fetch" as const, asOfMs: NOW * 1000, eventId: null };
const noCoupons = () => undefined;
const monthly = priceObject(
  {
    id: "price_m",
    created: NOW,
    currency: "usd",
    product: "prod_m",
    unitAmount: 1000,
    recurring: { interval: "month" },
  },
  false,
);

function taxRate(percentage: number, inclusive: boolean): Stripe.TaxRate {
  return {
    id: `txr_${percentage}`,
    object: "tax_rate",
    active: true,
    country: "DE",
    created: NOW,
    description: null,
    display_name: "VAT",
    effective_percentage: percentage,
    flat_amount: null,
    inclusive,
    jurisdiction: null,
    jurisdiction_level: null,
    livemode: false,
    metadata: null,
    percentage,
    rate_type: "percentage",
    state: null,
    tax_type: "vat",
  };
}

describe("mapping Stripe's objects", () => {
  it("reads decimal amounts, as the SDK gives them or as a webhook body has them", () => {
    const sdkPrice = {
      ...monthly,
      unit_amount: null,
      unit_amount_decimal: Stripe.Decimal.from("0.25"),
    };
    expect(mapPrice(sdkPrice).unitAmount).toBe(0.25);
    const wirePrice = JSON.parse(JSON.stringify({ ...monthly, unit_amount_decimal: "12.5" }));
    expect(mapPrice(wirePrice).unitAmount).toBe(12.5);
  });

  it("maps tiers, packages and the plan's names", () => {
    const tiered = priceObject(
      {
        id: "price_t",
        created: NOW,
        currency: "eur",
        product: "prod_t",
        nickname: "Team",
        recurring: { interval: "year", intervalCount: 2 },
        tiers: [
          { upTo: 5, unitAmount: 100 },
          { upTo: null, unitAmount: 80, flatAmount: 500 },
        ],
        tiersMode: "volume",
      },
      false,
    );
    expect(mapPrice(tiered)).toMatchObject({
      billingScheme: "tiered",
      unitAmount: null,
      tiersMode: "volume",
      tiers: [
        { upTo: 5, unitAmount: 100, flatAmount: 0 },
        { upTo: null, unitAmount: 80, flatAmount: 500 },
      ],
      recurring: { interval: "year", intervalCount: 2, usageType: "licensed" },
      nickname: "Team",
      productId: "prod_t",
      productName: null,
    });
  });

  it("keeps a status it does not know as `other`, which brings no revenue", () => {
    const sub = subscriptionObject(
      { id: "sub_1", customer: "cus_1", created: NOW, items: [{ id: "si_1", price: monthly }] },
      NOW,
      false,
    );
    const mapped = mapSubscription({ ...sub, status: "frozen" }, FETCHED, noCoupons);
    expect(mapped.status).toBe("other");
    expect(mrr(mapped).amount).toBe(0);
  });

  it("maps a deleted customer as deleted, in the connection's mode", () => {
    expect(mapCustomer({ id: "cus_gone", object: "customer", deleted: true }, true)).toMatchObject({
      id: "cus_gone",
      deleted: true,
      livemode: true,
      created: null,
    });
  });

  it("does not count tax: exclusive tax rates and automatic tax leave MRR as priced", () => {
    const sub = subscriptionObject(
      {
        id: "sub_tax",
        customer: "cus_1",
        created: NOW,
        items: [{ id: "si_1", price: monthly, quantity: 2, taxRates: [taxRate(19, false)] }],
        automaticTax: true,
      },
      NOW,
      false,
    );
    expect(mrr(mapSubscription(sub, FETCHED, noCoupons))).toEqual({
      amount: 2000,
      currency: "usd",
    });
  });

  it("finds an item's coupon through the lookup, and leaves a discount by id unknown", () => {
    const coupon = couponObject(
      { id: "co_half", created: NOW, duration: "forever", percentOff: 50 },
      false,
    );
    const discount = {
      id: "di_1",
      object: "discount",
      checkout_session: null,
      customer: "cus_1",
      customer_account: null,
      end: null,
      invoice: null,
      invoice_item: null,
      promotion_code: null,
      source: { coupon: coupon.id, type: "coupon" },
      start: NOW,
      subscription: "sub_1",
      subscription_item: "si_1",
    } satisfies Stripe.Discount;
    const sub = subscriptionObject(
      {
        id: "sub_1",
        customer: "cus_1",
        created: NOW,
        items: [{ id: "si_1", price: monthly, discounts: [discount] }],
        discounts: [],
      },
      NOW,
      false,
    );
    const mapped = mapSubscription({ ...sub, discounts: ["di_sub"] }, FETCHED, (id) =>
      id === coupon.id ? coupon : undefined,
    );
    expect(mapped.items[0]?.discounts[0]?.coupon).toMatchObject({
      percentOff: 50,
      duration: "forever",
    });
    expect(mapped.discounts).toEqual([{ id: "di_sub", coupon: null, start: null, end: null }]);
    expect(mrr(mapped).amount).toBe(500);
  });

  it("maps events: our type, Stripe's, the object as of the event, what changed, the request", () => {
    const sub = subscriptionObject(
      { id: "sub_1", customer: "cus_1", created: NOW, items: [{ id: "si_1", price: monthly }] },
      NOW,
      false,
    );
    const event = {
      id: "evt_1",
      object: "event",
      api_version: "2026-11-18.endive",
      created: NOW + 5,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "customer.subscription.deleted",
      data: { object: { ...sub, status: "canceled" } },
    } satisfies Stripe.Event;
    const mapped = mapEvent(event, noCoupons);
    expect(mapped).toMatchObject({
      id: "evt_1",
      type: "subscription.deleted",
      providerType: "customer.subscription.deleted",
      created: NOW + 5,
      previous: null,
      request: { id: null, idempotencyKey: null },
      object: {
        kind: "subscription",
        subscription: {
          id: "sub_1",
          status: "canceled",
          origin: { source: "event", asOfMs: (NOW + 5) * 1000, eventId: "evt_1" },
        },
      },
    });
    const other = {
      ...event,
      type: "invoice.paid",
      data: { object: { id: "in_1" } },
    } as unknown as Stripe.Event;
    expect(mapEvent(other, noCoupons).object).toEqual({ kind: "other", id: "in_1" });
  });
});

import { describe, expect, it } from "vitest";
import type { Offer } from "../../src/db/schema.js";
import {
  chooseOffer,
  isHeldOut,
  type OfferFacts,
  offerFits,
  refusalFor,
} from "../../src/offers/eligibility.js";
import { discount, item, subscription } from "../billing/normalized.js";

const NOW = new Date("2026-06-01T00:00:00Z");
const DAY = 86_400;
const nowSeconds = NOW.getTime() / 1000;

function offer(fields: Partial<Offer> = {}): Offer {
  return {
    id: "ofr_1",
    account_id: "acc_1",
    kind: "discount",
    title: "25% off for 3 months",
    description: null,
    params: { percent_off: 25, duration_in_months: 3 },
    reason_ids: ["rsn_price"],
    plan: null,
    min_tenure_days: null,
    max_tenure_days: null,
    billing_interval: null,
    active: true,
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  };
}

/** A verified test-mode customer with an active, undiscounted subscription of 100 days. */
function facts(fields: Partial<OfferFacts> = {}): OfferFacts {
  return {
    verified: true,
    testMode: true,
    connectionMode: "test",
    subscription: subscription({ created: nowSeconds - 100 * DAY }),
    applied: [],
    windowMonths: 12,
    now: NOW,
    ...fields,
  };
}

describe("who may get an offer", () => {
  it("lets an eligible customer have it", () => {
    expect(refusalFor(offer(), facts())).toBeNull();
  });

  it.each([
    ["an unverified customer", {}, { verified: false }, "unverified_customer"],
    ["no subscription", {}, { subscription: null, connectionMode: null }, "no_subscription"],
    ["a test customer on a live connection", {}, { connectionMode: "live" }, "mode_mismatch"],
    [
      "a live subscription for a test-mode widget",
      {},
      { subscription: subscription({ livemode: true }) },
      "mode_mismatch",
    ],
    [
      "a past_due subscription",
      {},
      { subscription: subscription({ status: "past_due" }) },
      "subscription_not_active",
    ],
    [
      "a paused subscription",
      {},
      { subscription: subscription({ pausedCollection: true }) },
      "subscription_not_active",
    ],
    [
      "a subscription set to cancel",
      {},
      { subscription: subscription({ cancelAtPeriodEnd: true }) },
      "cancel_scheduled",
    ],
    [
      "a subscription with a cancel date",
      {},
      { subscription: subscription({ cancelAt: nowSeconds + DAY }) },
      "cancel_scheduled",
    ],
    [
      "a trialing subscription",
      {},
      { subscription: subscription({ status: "trialing" }) },
      "trialing",
    ],
    [
      "a subscription with a running discount",
      {},
      { subscription: subscription({ discounts: [discount({ percentOff: 10 })] }) },
      "active_discount",
    ],
    [
      "an item with a running discount",
      {},
      {
        subscription: subscription({
          items: [
            item({}, { discounts: [discount({ percentOff: 10 }, { end: nowSeconds + DAY })] }),
          ],
        }),
      },
      "active_discount",
    ],
    [
      "this offer accepted before, years ago",
      {},
      { applied: [{ offer_id: "ofr_1", created_at: new Date("2020-01-01Z") }] },
      "already_redeemed",
    ],
    [
      "another offer accepted within the window",
      {},
      { applied: [{ offer_id: "ofr_2", created_at: new Date("2025-07-01Z") }] },
      "window_used",
    ],
  ] as const)("refuses %s", (_name, offerFields, factFields, refusal) => {
    expect(refusalFor(offer(offerFields), facts(factFields as Partial<OfferFacts>))).toBe(refusal);
  });

  it("lets an ended discount and an accept before the window pass", () => {
    const ended = discount({ percentOff: 10 }, { end: nowSeconds - DAY });
    const old = [{ offer_id: "ofr_2", created_at: new Date("2025-05-01Z") }];
    expect(
      refusalFor(
        offer(),
        facts({ subscription: subscription({ discounts: [ended] }), applied: old }),
      ),
    ).toBeNull();
    expect(refusalFor(offer(), facts({ applied: old, windowMonths: 14 }))).toBe("window_used");
  });

  it("extends a trial only for a trialing subscription", () => {
    const trialing = facts({ subscription: subscription({ status: "trialing" }) });
    expect(refusalFor(offer({ kind: "trial_extension" }), trialing)).toBeNull();
  });

  it("shows an unverified customer the talk-to-us link but never a billing offer", () => {
    const unverified = facts({ verified: false, subscription: null, connectionMode: null });
    const link = offer({ id: "ofr_link", kind: "contact_link", params: { url: "https://x.io" } });
    const billing = ["discount", "pause", "price_switch", "trial_extension"] as const;
    for (const kind of billing) {
      expect(refusalFor(offer({ kind }), unverified)).toBe("unverified_customer");
    }
    expect(chooseOffer([offer(), link], "rsn_price", unverified)).toEqual({ offer: link });
  });
});

describe("which offer answers a reason", () => {
  const sub = subscription({
    created: nowSeconds - 40 * DAY,
    items: [
      item({
        id: "price_pro",
        nickname: "Pro",
        recurring: { interval: "year", intervalCount: 1, usageType: "licensed" },
      }),
    ],
  });
  const withSub = facts({ subscription: sub });

  it("matches reason, plan (id or name), tenure and interval", () => {
    expect(offerFits(offer(), "rsn_other", withSub)).toBe(false);
    expect(offerFits(offer({ active: false }), "rsn_price", withSub)).toBe(false);
    expect(offerFits(offer({ plan: "Pro" }), "rsn_price", withSub)).toBe(true);
    expect(offerFits(offer({ plan: "price_pro" }), "rsn_price", withSub)).toBe(true);
    expect(offerFits(offer({ plan: "Basic" }), "rsn_price", withSub)).toBe(false);
    expect(offerFits(offer({ min_tenure_days: 30 }), "rsn_price", withSub)).toBe(true);
    expect(offerFits(offer({ min_tenure_days: 60 }), "rsn_price", withSub)).toBe(false);
    expect(offerFits(offer({ max_tenure_days: 30 }), "rsn_price", withSub)).toBe(false);
    expect(offerFits(offer({ billing_interval: "year" }), "rsn_price", withSub)).toBe(true);
    expect(offerFits(offer({ billing_interval: "month" }), "rsn_price", withSub)).toBe(false);
  });

  it("picks the first offer no rule refuses, else says why", () => {
    const redeemed = offer({ id: "ofr_a" });
    const pause = offer({ id: "ofr_b", kind: "pause", params: { months: 2 } });
    const applied = [{ offer_id: "ofr_a", created_at: new Date("2020-01-01Z") }];
    expect(chooseOffer([redeemed, pause], "rsn_price", facts({ applied }))).toEqual({
      offer: pause,
    });
    expect(chooseOffer([redeemed], "rsn_price", facts({ applied }))).toEqual({
      refusal: "already_redeemed",
    });
    expect(chooseOffer([redeemed], "rsn_none", facts())).toEqual({
      refusal: "no_matching_offer",
    });
  });
});

describe("the holdout", () => {
  it("is stable per customer and holds out about the share asked", () => {
    const customers = Array.from({ length: 2000 }, (_, i) => `cus_${i}`);
    const held = customers.filter((c) => isHeldOut("acc_1", c, 10));
    expect(held.length).toBeGreaterThan(150);
    expect(held.length).toBeLessThan(250);
    expect(customers.filter((c) => isHeldOut("acc_1", c, 10))).toEqual(held);
    expect(customers.filter((c) => isHeldOut("acc_1", c, 0))).toEqual([]);
    // Another account draws its own split.
    expect(customers.filter((c) => isHeldOut("acc_2", c, 10))).not.toEqual(held);
  });
});

import { describe, expect, it } from "vitest";
import { BillingError } from "../../src/billing/billing-error.js";
import { type MrrOptions, monthlyValue, mrr } from "../../src/billing/mrr.js";
import type { BillingSubscription, PriceTier } from "../../src/billing/provider.js";
import { discount, item, subscription } from "./normalized.js";

const ALL_DURATIONS: MrrOptions = { discountDurations: ["once", "repeating", "forever"] };

const every = (interval: "day" | "week" | "month" | "year", intervalCount = 1) => ({
  recurring: { interval, intervalCount, usageType: "licensed" as const },
});
const tiers = (...list: [number | null, number, number?][]): PriceTier[] =>
  list.map(([upTo, unitAmount, flatAmount = 0]) => ({ upTo, unitAmount, flatAmount }));
const graduated = (list: PriceTier[]) => ({
  billingScheme: "tiered" as const,
  unitAmount: null,
  tiersMode: "graduated" as const,
  tiers: list,
});
const volume = (list: PriceTier[]) => ({ ...graduated(list), tiersMode: "volume" as const });
const percent = (percentOff: number, duration: "once" | "repeating" | "forever" = "forever") =>
  discount({ percentOff, duration, durationInMonths: duration === "repeating" ? 3 : null });
const amount = (amountOff: number, duration: "once" | "repeating" | "forever" = "forever") =>
  discount({ amountOff, currency: "usd", duration });
const STEPS = tiers([5, 1000], [10, 800], [null, 500]);

// [case, subscription, options, expected MRR in cents]
const table: [string, BillingSubscription, MrrOptions, number][] = [
  ["monthly", subscription(), {}, 1000],
  [
    "yearly: a twelfth",
    subscription({ items: [item({ unitAmount: 12000, ...every("year") })] }),
    {},
    1000,
  ],
  [
    "every 3 months: a third",
    subscription({ items: [item({ unitAmount: 3000, ...every("month", 3) })] }),
    {},
    1000,
  ],
  [
    "every 2 years",
    subscription({ items: [item({ unitAmount: 24000, ...every("year", 2) })] }),
    {},
    1000,
  ],
  ["weekly: 52/12", subscription({ items: [item(every("week"))] }), {}, 4333],
  ["every 2 weeks: 52/24", subscription({ items: [item(every("week", 2))] }), {}, 2167],
  [
    "daily: 365/12",
    subscription({ items: [item({ unitAmount: 100, ...every("day") })] }),
    {},
    3042,
  ],
  [
    "per seat: unit amount × quantity",
    subscription({ items: [item({}, { quantity: 5 })] }),
    {},
    5000,
  ],
  [
    "packages: quantity divided and rounded up",
    subscription({
      items: [
        item(
          { unitAmount: 500, transformQuantity: { divideBy: 10, round: "up" } },
          { quantity: 25 },
        ),
      ],
    }),
    {},
    1500,
  ],
  [
    "tiered graduated: each tier's units at its price",
    subscription({ items: [item(graduated(STEPS), { quantity: 12 })] }),
    {},
    10000,
  ],
  [
    "tiered graduated: a flat amount once its tier is reached",
    subscription({
      items: [item(graduated(tiers([10, 0, 5000], [null, 300, 1000])), { quantity: 12 })],
    }),
    {},
    6600,
  ],
  [
    "tiered graduated: quantity 0 reaches the first tier",
    subscription({
      items: [item(graduated(tiers([10, 0, 5000], [null, 300, 1000])), { quantity: 0 })],
    }),
    {},
    5000,
  ],
  [
    "tiered volume: all units at the top tier's price",
    subscription({ items: [item(volume(STEPS), { quantity: 12 })] }),
    {},
    6000,
  ],
  [
    "tiered volume: within a middle tier",
    subscription({ items: [item(volume(STEPS), { quantity: 7 })] }),
    {},
    5600,
  ],
  [
    "tiered volume: with the tier's flat amount",
    subscription({ items: [item(volume(tiers([5, 1000], [null, 800, 2000])), { quantity: 7 })] }),
    {},
    7600,
  ],
  [
    "metered items are not counted",
    subscription({
      items: [
        item(),
        item({ recurring: { interval: "month", intervalCount: 1, usageType: "metered" } }),
      ],
    }),
    {},
    1000,
  ],
  [
    "one-off prices are not counted",
    subscription({ items: [item(), item({ recurring: null })] }),
    {},
    1000,
  ],
  [
    "multi-item: the sum, each at its own quantity",
    subscription({ items: [item(), item({ unitAmount: 500 }, { quantity: 3 })] }),
    {},
    2500,
  ],
  [
    "rounded once at the end, not per item",
    subscription({
      items: [
        item({ unitAmount: 100, ...every("week") }),
        item({ unitAmount: 100, ...every("week") }),
        item({ unitAmount: 100, ...every("week") }),
      ],
    }),
    {},
    1300,
  ],
  [
    "fractional unit amounts",
    subscription({ items: [item({ unitAmount: 0.5 }, { quantity: 2001 })] }),
    {},
    1001,
  ],
  ["percent off forever: × (1 − p)", subscription({ discounts: [percent(25)] }), {}, 750],
  [
    "percent off once: not counted by default",
    subscription({ discounts: [percent(25, "once")] }),
    {},
    1000,
  ],
  [
    "percent off once: counted when asked",
    subscription({ discounts: [percent(25, "once")] }),
    ALL_DURATIONS,
    750,
  ],
  [
    "percent off repeating: not counted by default",
    subscription({ discounts: [percent(25, "repeating")] }),
    {},
    1000,
  ],
  [
    "percent off repeating: counted when asked",
    subscription({ discounts: [percent(25, "repeating")] }),
    ALL_DURATIONS,
    750,
  ],
  ["amount off forever: − amount", subscription({ discounts: [amount(300)] }), {}, 700],
  [
    "amount off once: not counted by default",
    subscription({ discounts: [amount(300, "once")] }),
    {},
    1000,
  ],
  [
    "amount off once: counted when asked",
    subscription({ discounts: [amount(300, "once")] }),
    ALL_DURATIONS,
    700,
  ],
  [
    "amount off repeating: not counted by default",
    subscription({ discounts: [amount(300, "repeating")] }),
    {},
    1000,
  ],
  [
    "amount off repeating: counted when asked",
    subscription({ discounts: [amount(300, "repeating")] }),
    ALL_DURATIONS,
    700,
  ],
  [
    "amount off a yearly invoice: − amount × k",
    subscription({
      items: [item({ unitAmount: 12000, ...every("year") })],
      discounts: [amount(1200)],
    }),
    {},
    900,
  ],
  [
    "amount off a weekly invoice: − amount × 52/12",
    subscription({
      items: [item({ unitAmount: 1000, ...every("week") })],
      discounts: [amount(100)],
    }),
    {},
    3900,
  ],
  ["never below 0", subscription({ discounts: [amount(5000)] }), {}, 0],
  [
    "amount off in another currency: from the coupon's currency options",
    subscription({
      currency: "eur",
      items: [item({ currency: "eur" })],
      discounts: [discount({ amountOff: 300, currency: "usd", amountOffIn: { eur: 200 } })],
    }),
    {},
    800,
  ],
  [
    "amount off in a currency the coupon has not: not counted",
    subscription({ currency: "eur", items: [item({ currency: "eur" })], discounts: [amount(300)] }),
    {},
    1000,
  ],
  ["discounts apply in order", subscription({ discounts: [amount(200), percent(50)] }), {}, 400],
  [
    "an item's own discount applies to that item",
    subscription({ items: [item({}, { discounts: [percent(50)] }), item({ unitAmount: 500 })] }),
    {},
    1000,
  ],
  [
    "a discount ended by `asOf` is not counted",
    subscription({
      discounts: [discount({ percentOff: 50, duration: "repeating" }, { end: 1_700_000_100 })],
    }),
    { ...ALL_DURATIONS, asOf: 1_700_000_100 },
    1000,
  ],
  [
    "a discount still running at `asOf` is counted",
    subscription({
      discounts: [discount({ percentOff: 50, duration: "repeating" }, { end: 1_700_000_100 })],
    }),
    { ...ALL_DURATIONS, asOf: 1_700_000_099 },
    500,
  ],
  [
    "a discount whose coupon is unknown is not counted",
    subscription({ discounts: [{ id: "di_x", coupon: null, start: null, end: null }] }),
    {},
    1000,
  ],
  ["trialing: 0", subscription({ status: "trialing" }), {}, 0],
  ["past_due: still counts", subscription({ status: "past_due" }), {}, 1000],
  ["unpaid: 0", subscription({ status: "unpaid" }), {}, 0],
  ["paused: 0", subscription({ status: "paused" }), {}, 0],
  ["incomplete: 0", subscription({ status: "incomplete" }), {}, 0],
  ["incomplete_expired: 0", subscription({ status: "incomplete_expired" }), {}, 0],
  ["canceled: 0", subscription({ status: "canceled" }), {}, 0],
  ["active with collection paused: 0", subscription({ pausedCollection: true }), {}, 0],
];

describe("MRR per subscription", () => {
  it.each(table)("%s", (_case, sub, options, expected) => {
    expect(mrr(sub, options)).toEqual({ amount: expected, currency: sub.currency });
  });

  it("keeps each subscription in its own currency", () => {
    const eur = subscription({
      currency: "eur",
      items: [item({ currency: "eur", unitAmount: 900 })],
    });
    const jpy = subscription({
      currency: "jpy",
      items: [item({ currency: "jpy", unitAmount: 1200, ...every("year") })],
    });
    expect([mrr(subscription()), mrr(eur), mrr(jpy)]).toEqual([
      { amount: 1000, currency: "usd" },
      { amount: 900, currency: "eur" },
      { amount: 100, currency: "jpy" },
    ]);
  });

  it("refuses a subscription whose items are in different currencies", () => {
    const mixed = subscription({ items: [item(), item({ currency: "eur" })] });
    expect(() => mrr(mixed)).toThrow(BillingError);
    expect(() => mrr(mixed)).toThrow(expect.objectContaining({ code: "mixed_currencies" }));
  });

  it("still knows what a subscription that brings nothing now is worth (lost MRR)", () => {
    for (const status of ["canceled", "trialing", "unpaid"] as const) {
      expect(monthlyValue(subscription({ status, discounts: [percent(10)] }))).toEqual({
        amount: 900,
        currency: "usd",
      });
    }
  });
});

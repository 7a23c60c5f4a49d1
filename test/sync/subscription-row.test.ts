import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { mrrOptions, subscriptionRow } from "../../src/sync/subscription-row.js";
import { discount, item, subscription } from "../billing/normalized.js";

const connection = { id: "bcn_1", account_id: "acc_1", mode: "live" as const };
const NOW = 1_701_000_000;

/** $100 a month with a 3-month 50% coupon that started a month ago. */
const discounted = subscription({
  items: [item({ unitAmount: 10_000 })],
  discounts: [
    discount(
      { percentOff: 50, duration: "repeating", durationInMonths: 3 },
      { start: NOW - 30 * 86_400, end: NOW + 60 * 86_400 },
    ),
  ],
});

const stored = (env: Record<string, string>, at = NOW) =>
  subscriptionRow(connection, discounted, mrrOptions(loadConfig(env).stripe, at));

describe("a subscription's stored MRR follows MRR_DISCOUNT_DURATIONS", () => {
  it("by default only forever coupons count, as Stripe's analytics: the full price", () => {
    expect(stored({})).toMatchObject({ mrr_amount: 10_000, monthly_value: 10_000 });
  });

  it("counting repeating coupons halves it while the coupon lasts, and not after", () => {
    const env = { MRR_DISCOUNT_DURATIONS: "forever,repeating" };
    expect(stored(env)).toMatchObject({ mrr_amount: 5000, monthly_value: 5000 });
    expect(stored(env, NOW + 90 * 86_400)).toMatchObject({ mrr_amount: 10_000 });
  });
});

import { describe, expect, it } from "vitest";
import { stripeKeyMode } from "../../src/billing/stripe/client.js";
import { loadConfig } from "../../src/config.js";

describe("Stripe settings", () => {
  it("default to Stripe's API, 25 requests per second live, 10 in test mode", () => {
    expect(loadConfig({}).stripe).toEqual({
      apiBase: "https://api.stripe.com",
      liveRequestsPerSecond: 25,
      testRequestsPerSecond: 10,
      timeoutMs: 30_000,
      catchUpMinutes: 15,
      mrrDiscountDurations: ["forever"],
      backfillWindowDays: 30,
      listPageSize: 100,
    });
  });

  it("split backfills in STRIPE_BACKFILL_WINDOW_DAYS windows, 0 for never, refusing a negative", () => {
    expect(loadConfig({ STRIPE_BACKFILL_WINDOW_DAYS: "0" }).stripe.backfillWindowDays).toBe(0);
    expect(loadConfig({ STRIPE_BACKFILL_WINDOW_DAYS: "7" }).stripe.backfillWindowDays).toBe(7);
    expect(() => loadConfig({ STRIPE_BACKFILL_WINDOW_DAYS: "-1" })).toThrow(
      /STRIPE_BACKFILL_WINDOW_DAYS/,
    );
  });

  it("count the coupon durations MRR_DISCOUNT_DURATIONS lists, refusing others", () => {
    const { stripe } = loadConfig({ MRR_DISCOUNT_DURATIONS: "forever, repeating,forever" });
    expect(stripe.mrrDiscountDurations).toEqual(["forever", "repeating"]);
    expect(() => loadConfig({ MRR_DISCOUNT_DURATIONS: "forever,always" })).toThrow(
      /MRR_DISCOUNT_DURATIONS .*"always"/,
    );
  });

  it("read STRIPE_API_BASE as an origin, with its port", () => {
    const env = { STRIPE_API_BASE: "http://127.0.0.1:12111/", STRIPE_RATE_LIMIT: "0" };
    expect(loadConfig(env).stripe).toMatchObject({
      apiBase: "http://127.0.0.1:12111",
      liveRequestsPerSecond: 0,
    });
  });

  it.each([
    "ftp://stripe.example",
    "https://proxy.example/stripe",
    "https://proxy.example/?a=1",
    "not a url",
  ])("refuse STRIPE_API_BASE=%s, which the SDK could not reach", (base) => {
    expect(() => loadConfig({ STRIPE_API_BASE: base })).toThrow(
      /^STRIPE_API_BASE must be an http\(s\) origin without a path/,
    );
  });

  it("refuse a rate that is not a whole number", () => {
    expect(() => loadConfig({ STRIPE_TEST_RATE_LIMIT: "2.5" })).toThrow(/STRIPE_TEST_RATE_LIMIT/);
  });
});

describe("a Stripe key's mode", () => {
  it("comes from its prefix", () => {
    expect(stripeKeyMode("rk_live_abc123")).toBe("live");
    expect(stripeKeyMode("sk_live_abc123")).toBe("live");
    expect(stripeKeyMode("rk_test_abc123")).toBe("test");
    expect(stripeKeyMode("sk_test_abc123")).toBe("test");
  });

  it("is refused for anything else, publishable keys included", () => {
    for (const key of ["pk_live_abc", "sk_abc", "", "sk_test_ab c"]) {
      expect(() => stripeKeyMode(key)).toThrow(expect.objectContaining({ code: "invalid_key" }));
    }
  });
});

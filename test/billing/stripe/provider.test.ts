import { describe, expect, it } from "vitest";
import { mrr } from "../../../src/billing/mrr.js";
import type { BillingProvider } from "../../../src/billing/provider.js";
import { cancelNow } from "../../../src/billing/stripe/fake/subscription-changes.js";
import { createStripeProvider } from "../../../src/billing/stripe/provider.js";
import { fakeStripe, LIVE_KEY, settingsFor, TEST_KEY } from "./fake.js";

const { fake, clock } = await fakeStripe();
const provider: BillingProvider = createStripeProvider({
  apiKey: TEST_KEY,
  settings: settingsFor(fake),
  clock,
});
const account = fake.test;
const seat = account.createPrice({
  currency: "usd",
  product: "prod_p",
  nickname: "Seat",
  unitAmount: 1500,
  recurring: { interval: "month" },
});
const tenOff = account.createCoupon({ duration: "forever", amountOff: 1000, currency: "usd" });
const halfOff = account.createCoupon({ duration: "forever", percentOff: 50 });
const customer = account.createCustomer({ email: "p@example.com", name: "P" });
const sub = account.createSubscription({
  customer: customer.id,
  items: [{ price: seat.id, quantity: 4, coupon: halfOff.id }],
  coupon: tenOff.id,
});

describe("the Stripe provider", () => {
  it("knows its mode from the key", () => {
    expect(provider.mode).toBe("test");
    expect(createStripeProvider({ apiKey: LIVE_KEY, settings: settingsFor(fake) }).mode).toBe(
      "live",
    );
    expect(() =>
      createStripeProvider({ apiKey: "pk_test_x", settings: settingsFor(fake) }),
    ).toThrow(expect.objectContaining({ code: "invalid_key" }));
  });

  it("fetches a subscription with every coupon its MRR needs, each coupon read once", async () => {
    const before = fake.requests.length;
    const fetched = await provider.subscription(sub.id);
    const again = await provider.subscription(sub.id);
    expect(fetched?.items[0]?.discounts[0]?.coupon).toMatchObject({
      id: halfOff.id,
      percentOff: 50,
    });
    expect(fetched?.discounts[0]?.coupon).toMatchObject({ id: tenOff.id, amountOff: 1000 });
    // 4 seats × 15.00, half off, then 10.00 off the invoice.
    expect(fetched && mrr(fetched)).toEqual({ amount: 2000, currency: "usd" });
    expect(again?.origin).toEqual({ source: "fetch", asOfMs: clock.now(), eventId: null });
    const paths = fake.requests.slice(before).map((r) => r.path);
    expect(paths).toEqual([
      `/v1/subscriptions/${sub.id}`,
      `/v1/coupons/${halfOff.id}`,
      `/v1/subscriptions/${sub.id}`,
    ]);
  });

  it("answers null for what Stripe does not have", async () => {
    expect(await provider.subscription("sub_missing")).toBeNull();
    expect(await provider.customer("cus_missing")).toBeNull();
    expect(await provider.customer(customer.id)).toMatchObject({
      id: customer.id,
      email: "p@example.com",
      deleted: false,
    });
  });

  it("lists, then finds what happened since through the event cursor", async () => {
    const cursor = await provider.eventCursor();
    account.change(sub.id, cancelNow({ feedback: "unused" }));
    const pages = [];
    for await (const page of provider.eventsSince(cursor)) pages.push(page);
    expect(pages.flatMap((p) => p.events.map((e) => e.type))).toEqual(["subscription.deleted"]);
    const listed = [];
    for await (const page of provider.subscriptions()) listed.push(...page.items);
    expect(listed).toEqual([expect.objectContaining({ id: sub.id, status: "canceled" })]);
    expect(provider.eventRetentionDays).toBe(30);
  });
});

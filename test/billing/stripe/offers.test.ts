import { describe, expect, it } from "vitest";
import type { BillingOfferActions } from "../../../src/billing/provider.js";
import { couponIdFor } from "../../../src/billing/stripe/offers.js";
import { createStripeProvider } from "../../../src/billing/stripe/provider.js";
import { fakeStripe, settingsFor, TEST_KEY } from "./fake.js";

const { fake, clock } = await fakeStripe();
const provider = createStripeProvider({ apiKey: TEST_KEY, settings: settingsFor(fake), clock });
const offers = provider.offers as BillingOfferActions;
const account = fake.test;
const month = account.createPrice({
  currency: "usd",
  product: "prod_o",
  unitAmount: 2000,
  recurring: { interval: "month" },
});
const cheaper = account.createPrice({
  currency: "usd",
  product: "prod_o",
  unitAmount: 1000,
  recurring: { interval: "month" },
});

function subscribed() {
  const customer = account.createCustomer({ email: "o@example.com" });
  return account.createSubscription({ customer: customer.id, items: [{ price: month.id }] });
}

/** The writes the fake received since `from`: method, path, params, key. */
function writesSince(from: number) {
  return fake.requests
    .slice(from)
    .filter((r) => r.method === "POST")
    .map(({ path, params, idempotencyKey, status }) => ({ path, params, idempotencyKey, status }));
}

describe("Stripe offer actions", () => {
  it("creates a repeating coupon once and attaches it; the same terms reuse it", async () => {
    const sub = subscribed();
    const other = subscribed();
    const terms = { percentOff: 25, durationInMonths: 3 };
    const from = fake.requests.length;
    const after = await offers.applyDiscount(sub.id, terms, { idempotencyKey: "acc_1" });
    await offers.applyDiscount(other.id, terms, { idempotencyKey: "acc_2" });
    const writes = writesSince(from);
    expect(writes).toEqual([
      {
        path: "/v1/coupons",
        params: {
          id: couponIdFor(terms),
          name: "Retention offer",
          duration: "repeating",
          duration_in_months: "3",
          percent_off: "25",
        },
        idempotencyKey: "acc_1:coupon",
        status: 200,
      },
      {
        path: `/v1/subscriptions/${sub.id}`,
        params: expect.objectContaining({ discounts: [{ coupon: couponIdFor(terms) }] }),
        idempotencyKey: "acc_1",
        status: 200,
      },
      {
        path: `/v1/subscriptions/${other.id}`,
        params: expect.objectContaining({ discounts: [{ coupon: couponIdFor(terms) }] }),
        idempotencyKey: "acc_2",
        status: 200,
      },
    ]);
    expect(after.discounts[0]?.coupon).toMatchObject({
      percentOff: 25,
      duration: "repeating",
      durationInMonths: 3,
    });
  });

  it("gives an amount off in the subscription's currency", async () => {
    const sub = subscribed();
    const terms = { amountOff: 500, currency: "USD", durationInMonths: 2 };
    const after = await offers.applyDiscount(sub.id, terms, { idempotencyKey: "acc_amount" });
    expect(account.coupons.get("ci_offer_500usd_2m")).toMatchObject({
      amount_off: 500,
      currency: "usd",
      duration_in_months: 2,
    });
    expect(after.discounts[0]?.coupon).toMatchObject({ amountOff: 500, currency: "usd" });
  });

  it("pauses collection until a date", async () => {
    const sub = subscribed();
    const resumesAt = Math.floor(clock.now() / 1000) + 60 * 86_400;
    const from = fake.requests.length;
    const after = await offers.pauseCollection(sub.id, resumesAt, { idempotencyKey: "acc_p" });
    expect(writesSince(from)[0]?.params).toMatchObject({
      pause_collection: { behavior: "void", resumes_at: String(resumesAt) },
    });
    expect(after.pausedCollection).toBe(true);
    expect(account.subscriptions.get(sub.id)?.pause_collection).toEqual({
      behavior: "void",
      resumes_at: resumesAt,
    });
  });

  it("switches the one item's price with the proration asked", async () => {
    const sub = subscribed();
    const item = sub.items.data[0]?.id;
    const from = fake.requests.length;
    const after = await offers.switchPrice(sub.id, cheaper.id, "none", { idempotencyKey: "acc_s" });
    expect(writesSince(from)[0]?.params).toMatchObject({
      items: [{ id: item, price: cheaper.id }],
      proration_behavior: "none",
    });
    expect(after.items[0]?.price.id).toBe(cheaper.id);
  });

  it("refuses a price switch on a subscription of several licensed items", async () => {
    const customer = account.createCustomer();
    const sub = account.createSubscription({
      customer: customer.id,
      items: [{ price: month.id }, { price: cheaper.id }],
    });
    await expect(
      offers.switchPrice(sub.id, cheaper.id, "none", { idempotencyKey: "acc_two" }),
    ).rejects.toMatchObject({ code: "unsupported_subscription" });
  });

  it("finds a price a switch may name, and says null for an unknown one", async () => {
    expect(await offers.price(cheaper.id)).toMatchObject({
      id: cheaper.id,
      currency: "usd",
      unitAmount: 1000,
      recurring: { interval: "month" },
    });
    expect(await offers.price("price_nothing")).toBeNull();
  });

  it("extends the trial without billing now", async () => {
    const sub = subscribed();
    const trialEnd = Math.floor(clock.now() / 1000) + 14 * 86_400;
    const from = fake.requests.length;
    const after = await offers.extendTrial(sub.id, trialEnd, { idempotencyKey: "acc_t" });
    expect(writesSince(from)[0]?.params).toMatchObject({
      trial_end: String(trialEnd),
      proration_behavior: "none",
    });
    expect(after).toMatchObject({ trialEnd, status: "trialing" });
  });

  it("applies once under one key: a retry after a server error and a repeat replay it", async () => {
    const sub = subscribed();
    fake.inject({ kind: "server_error", status: 500 }, { path: `/v1/subscriptions/${sub.id}` });
    const terms = { percentOff: 40, durationInMonths: 1 };
    const from = fake.requests.length;
    await offers.applyDiscount(sub.id, terms, { idempotencyKey: "acc_retry" });
    const eventsBefore = account.events.page(
      { limit: 100, createdFrom: -Infinity, createdTo: Infinity, where: () => true },
      "/v1/events",
    ).data.length;
    const again = await offers.applyDiscount(sub.id, terms, { idempotencyKey: "acc_retry" });
    const eventsAfter = account.events.page(
      { limit: 100, createdFrom: -Infinity, createdTo: Infinity, where: () => true },
      "/v1/events",
    ).data.length;
    expect(eventsAfter).toBe(eventsBefore);
    expect(again.discounts).toHaveLength(1);
    const updates = writesSince(from).filter((w) => w.path.startsWith("/v1/subscriptions/"));
    expect(updates.map((w) => [w.idempotencyKey, w.status])).toEqual([
      ["acc_retry", 500],
      ["acc_retry", 200],
      ["acc_retry", 200],
    ]);
  });

  it("maps Stripe's refusals to coded errors", async () => {
    await expect(
      offers.pauseCollection("sub_nope", 2_000_000_000, { idempotencyKey: "acc_missing" }),
    ).rejects.toMatchObject({ code: "not_found" });
    const sub = subscribed();
    await expect(
      offers.switchPrice(sub.id, "price_nope", "none", { idempotencyKey: "acc_price" }),
    ).rejects.toMatchObject({ code: "request_failed", providerCode: "resource_missing" });
  });
});

describe("the first charged invoice since an accept", () => {
  it("is the oldest invoice since then that asks for money, across pages, by subscription", async () => {
    const sub = subscribed();
    const other = subscribed();
    account.createInvoice(sub.id, { status: "paid" });
    clock.advance(60_000);
    const since = Math.floor(clock.now() / 1000);
    expect(await offers.firstChargedInvoiceSince(sub.id, since)).toBeNull();
    account.createInvoice(sub.id, { amountDue: 0, status: "paid" });
    account.createInvoice(other.id);
    clock.advance(1000);
    const first = account.createInvoice(sub.id);
    // More than a page (100) of later invoices: the walk goes on to the oldest.
    for (let i = 0; i < 105; i++) {
      clock.advance(1000);
      account.createInvoice(sub.id, { status: "paid" });
    }
    const before = fake.requests.length;
    expect(await offers.firstChargedInvoiceSince(sub.id, since)).toEqual({
      id: first.id,
      subscriptionId: sub.id,
      status: "open",
      amountDue: 2000,
      currency: "usd",
      created: first.created,
    });
    const lists = fake.requests.slice(before).filter((r) => r.path === "/v1/invoices");
    expect(lists).toHaveLength(2);
    account.settleInvoice(first.id, "void");
    expect(await offers.firstChargedInvoiceSince(sub.id, since)).toMatchObject({
      id: first.id,
      status: "void",
    });
  });
});

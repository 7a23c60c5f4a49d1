import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { parseParams } from "../../../src/billing/stripe/fake/form.js";
import {
  cancelNow,
  scheduleCancellation,
} from "../../../src/billing/stripe/fake/subscription-changes.js";
import { fakeStripe, LIVE_KEY } from "./fake.js";

const { fake, clock, sdk } = await fakeStripe();
const stripe = sdk();
const account = fake.test;
const monthly = account.createPrice({
  currency: "usd",
  product: "prod_a",
  unitAmount: 1000,
  recurring: { interval: "month" },
});
const customers = Array.from({ length: 5 }, (_, i) => {
  clock.advance(60_000);
  return account.createCustomer({ email: `c${i}@example.com` });
});
const subscriptions = customers.map((customer) => {
  clock.advance(60_000);
  return account.createSubscription({ customer: customer.id, items: [{ price: monthly.id }] });
});
const canceled = account.change(
  subscriptions[1]?.id ?? "",
  cancelNow({ feedback: "too_expensive" }),
);

describe("the fake Stripe server, through the official SDK", () => {
  it("pages subscriptions newest first with starting_after", async () => {
    const first = await stripe.subscriptions.list({ status: "all", limit: 2 });
    expect(first.data.map((s) => s.id)).toEqual([subscriptions[4]?.id, subscriptions[3]?.id]);
    expect(first.has_more).toBe(true);
    const second = await stripe.subscriptions.list({
      status: "all",
      limit: 2,
      starting_after: first.data[1]?.id,
    });
    expect(second.data.map((s) => s.id)).toEqual([subscriptions[2]?.id, subscriptions[1]?.id]);
    const last = await stripe.subscriptions.list({
      status: "all",
      limit: 2,
      starting_after: second.data[1]?.id,
    });
    expect(last.data.map((s) => s.id)).toEqual([subscriptions[0]?.id]);
    expect(last.has_more).toBe(false);
  });

  it("leaves canceled subscriptions out unless status=all", async () => {
    const ids = (list: Stripe.ApiList<Stripe.Subscription>) => list.data.map((s) => s.id);
    expect(ids(await stripe.subscriptions.list({ limit: 100 }))).not.toContain(canceled.id);
    expect(ids(await stripe.subscriptions.list({ limit: 100, status: "all" }))).toContain(
      canceled.id,
    );
    expect(ids(await stripe.subscriptions.list({ limit: 100, status: "canceled" }))).toEqual([
      canceled.id,
    ]);
  });

  it("filters by created windows", async () => {
    const from = subscriptions[1]?.created ?? 0;
    const to = subscriptions[3]?.created ?? 0;
    const page = await stripe.subscriptions.list({ status: "all", created: { gte: from, lt: to } });
    expect(page.data.map((s) => s.id)).toEqual([subscriptions[2]?.id, subscriptions[1]?.id]);
  });

  it("gives the page right before a cursor with ending_before, still newest first", async () => {
    const page = await stripe.customers.list({ limit: 2, ending_before: customers[1]?.id });
    expect(page.data.map((c) => c.id)).toEqual([customers[3]?.id, customers[2]?.id]);
    expect(page.has_more).toBe(true);
  });

  it("expands discounts and their coupons when asked, to four levels at most", async () => {
    const coupon = account.createCoupon({ duration: "forever", percentOff: 10 });
    const sub = account.createSubscription({
      customer: customers[0]?.id ?? "",
      items: [{ price: monthly.id }],
      coupon: coupon.id,
    });
    const plain = await stripe.subscriptions.retrieve(sub.id);
    expect(plain.discounts).toEqual([expect.stringMatching(/^di_/)]);
    const expanded = await stripe.subscriptions.retrieve(sub.id, {
      expand: ["discounts.source.coupon"],
    });
    expect(expanded.discounts[0]).toMatchObject({
      object: "discount",
      source: { coupon: { id: coupon.id, percent_off: 10 } },
    });
    const tooDeep = stripe.subscriptions.list({
      expand: ["data.items.data.discounts.source.coupon"],
    });
    await expect(tooDeep).rejects.toMatchObject({ statusCode: 400, param: "expand" });
  });

  it("refuses unknown parameters and missing objects as Stripe does", async () => {
    await expect(stripe.customers.list({ limit: 101 })).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
    await expect(
      stripe.customers.list({ shoe_size: 9 } as Stripe.CustomerListParams),
    ).rejects.toMatchObject({
      code: "parameter_unknown",
      param: "shoe_size",
    });
    await expect(stripe.subscriptions.retrieve("sub_nope")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("checks the key, and its prefix picks live or test data", async () => {
    await expect(sdk("sk_test_other").customers.list()).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    const live = fake.live.createCustomer({ email: "live@example.com" });
    const listed = await sdk(LIVE_KEY).customers.list();
    expect(listed.data).toEqual([expect.objectContaining({ id: live.id, livemode: true })]);
  });

  it("records each change as Stripe's event, with previous_attributes", async () => {
    const sub = subscriptions[0]?.id ?? "";
    account.change(
      sub,
      scheduleCancellation({ feedback: "missing_features", comment: "No export" }),
    );
    const events = await stripe.events.list({ types: ["customer.subscription.updated"], limit: 1 });
    const event = events.data[0];
    expect(event?.type).toBe("customer.subscription.updated");
    if (event?.type !== "customer.subscription.updated") return;
    expect(event.data.object).toMatchObject({
      id: sub,
      cancel_at_period_end: true,
      cancellation_details: { feedback: "missing_features", comment: "No export" },
    });
    expect(event.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });
    expect(event.request?.id).toMatch(/^req_/);
  });

  it("logs every request with its parameters and time", async () => {
    const before = fake.requests.length;
    clock.advance(5000);
    await stripe.subscriptions.list({
      status: "all",
      created: { gte: 5 },
      expand: ["data.discounts"],
    });
    expect(fake.requests.slice(before)).toEqual([
      {
        method: "GET",
        path: "/v1/subscriptions",
        params: { status: "all", created: { gte: "5" }, expand: ["data.discounts"] },
        idempotencyKey: null,
        at: clock.now(),
        status: 200,
      },
    ]);
  });

  it("fails requests on demand: 429 with Retry-After, 5xx with Stripe-Should-Retry", async () => {
    fake.inject({ kind: "rate_limit", retryAfterSeconds: 2 }, { times: 1, path: "/v1/customers" });
    fake.inject({ kind: "server_error", status: 503, shouldRetry: true });
    await expect(stripe.customers.list()).rejects.toMatchObject({
      statusCode: 429,
      headers: expect.objectContaining({ "retry-after": "2" }),
    });
    await expect(stripe.customers.list()).rejects.toMatchObject({
      statusCode: 503,
      headers: expect.objectContaining({ "stripe-should-retry": "true" }),
    });
    await expect(stripe.customers.list()).resolves.toMatchObject({ object: "list" });
  });
});

describe("the fake's form parser", () => {
  it("reads brackets as the SDK and curl write them", () => {
    expect(
      parseParams(
        "expand[0]=a&expand[1]=b&types[]=x&types[]=y&created[gte]=1&created[lt]=2&items[0][price]=p",
      ),
    ).toEqual({
      expand: ["a", "b"],
      types: ["x", "y"],
      created: { gte: "1", lt: "2" },
      items: [{ price: "p" }],
    });
  });
});

describe("a generated account", async () => {
  const big = await fakeStripe({ generatedCustomers: 100_000 });
  const stripe = big.sdk();

  it("serves 100,000 customers and subscriptions made from their index, newest first", async () => {
    const page = await stripe.subscriptions.list({ status: "all", limit: 100 });
    expect(page.data).toHaveLength(100);
    expect(page.data[0]?.id).toBe("sub_G0099999");
    const after = await stripe.subscriptions.list({
      status: "all",
      limit: 3,
      starting_after: "sub_G0050000",
    });
    expect(after.data.map((s) => s.id)).toEqual(["sub_G0049999", "sub_G0049998", "sub_G0049997"]);
    const again = await stripe.subscriptions.retrieve("sub_G0049999");
    expect(again).toEqual(after.data[0]);
    expect((await stripe.customers.retrieve("cus_G0000007")).id).toBe("cus_G0000007");
  });

  it("keeps a change to a generated subscription", async () => {
    big.fake.test.change("sub_G0000042", cancelNow());
    const sub = await stripe.subscriptions.retrieve("sub_G0000042");
    expect(sub.status).toBe("canceled");
  });
});

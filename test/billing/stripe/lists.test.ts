import { describe, expect, it } from "vitest";
import type { Page } from "../../../src/billing/provider.js";
import { openStripeConnection } from "../../../src/billing/stripe/connection.js";
import { customerPages, subscriptionPages } from "../../../src/billing/stripe/lists.js";
import { fakeStripe, settingsFor, TEST_KEY } from "./fake.js";

// 1,000 generated customers, each with a subscription; 60 or so are canceled.
// The fake and every connection share one virtual clock: the fake's log is on its time.
const { fake, clock } = await fakeStripe({ generatedCustomers: 1000 });

function connect(requestsPerSecond = 0) {
  const connection = openStripeConnection({
    apiKey: TEST_KEY,
    settings: settingsFor(fake, requestsPerSecond),
    clock,
  });
  return { connection, sleepsBefore: clock.sleeps.length };
}

async function collect<T>(pages: AsyncIterable<Page<T>>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const page of pages) all.push(page.items);
  return all;
}

const ids = (pages: { id: string }[][]) => pages.flat().map((o) => o.id);

describe("listing customers and subscriptions", () => {
  it("goes through every page of 100, newest first", async () => {
    const { connection } = connect();
    const pages = await collect(customerPages(connection));
    expect(pages.map((p) => p.length)).toEqual(Array(10).fill(100));
    expect(ids(pages).slice(0, 2)).toEqual(["cus_G0000999", "cus_G0000998"]);
    expect(new Set(ids(pages)).size).toBe(1000);
  });

  it("includes canceled subscriptions (status=all)", async () => {
    const { connection } = connect();
    const subscriptions = (await collect(subscriptionPages(connection))).flat();
    expect(subscriptions).toHaveLength(1000);
    const canceled = subscriptions.filter((s) => s.status === "canceled");
    expect(canceled.length).toBeGreaterThan(30);
    expect(canceled[0]?.endedAt).toEqual(expect.any(Number));
  });

  it("splits by created windows [gte, lt) without gaps or overlaps", async () => {
    const { connection } = connect();
    const all = ids(await collect(subscriptionPages(connection)));
    const middle = (await connection.stripe.subscriptions.retrieve("sub_G0000400")).created;
    const older = ids(await collect(subscriptionPages(connection, { created: { lt: middle } })));
    const newer = ids(await collect(subscriptionPages(connection, { created: { gte: middle } })));
    expect(older[0]).toBe("sub_G0000399");
    expect(newer.at(-1)).toBe("sub_G0000400");
    expect([...newer, ...older]).toEqual(all);
  });

  it("resumed from a saved cursor yields exactly the rest", async () => {
    const { connection } = connect();
    const whole = ids(await collect(subscriptionPages(connection)));
    const seen: string[] = [];
    let saved: string | null = null;
    for await (const page of subscriptionPages(connection)) {
      seen.push(...page.items.map((s) => s.id));
      saved = page.cursor;
      if (seen.length === 300) break; // the process dies here
    }
    const rest = ids(await collect(subscriptionPages(connection, { cursor: saved })));
    expect(rest).toHaveLength(700);
    expect([...seen, ...rest]).toEqual(whole);
  });

  it("asks for a page only when the one before is taken: never the whole account", async () => {
    const { connection } = connect();
    const before = fake.requests.length;
    const pages = customerPages(connection);
    await pages.next();
    expect(fake.requests.length - before).toBe(1);
    await pages.return(undefined);
  });

  it("maps discounts with their coupons, reading item coupons once per connection", async () => {
    const { connection } = connect();
    const before = fake.requests.length;
    const subscriptions = (await collect(subscriptionPages(connection))).flat();
    const couponReads = fake.requests.slice(before).filter((r) => r.path.startsWith("/v1/coupons"));
    // Subscription discounts come expanded; no item of the generated account has its own.
    expect(couponReads).toEqual([]);
    const discounted = subscriptions.find((s) => s.discounts.length > 0);
    expect(discounted?.discounts[0]?.coupon).toMatchObject({
      id: expect.stringMatching(/^coupon_gen_/),
    });
  });

  it("keeps under the rate limit, by the fake's clock", async () => {
    const { connection, sleepsBefore } = connect(5);
    const before = fake.requests.length;
    await collect(customerPages(connection));
    const times = fake.requests.slice(before).map((r) => r.at);
    expect(times).toHaveLength(10);
    for (const [i, t] of times.entries()) {
      // Any six requests in a row span a second or more: at most five start in any second.
      const fifthAfter = times[i + 5];
      if (fifthAfter !== undefined) expect(fifthAfter - t).toBeGreaterThanOrEqual(1000);
    }
    expect(clock.sleeps.slice(sleepsBefore).every((ms) => ms <= 200)).toBe(true);
  });

  it("rides out a 429 mid-listing, waiting as asked, and loses nothing", async () => {
    const { connection, sleepsBefore } = connect();
    fake.inject({ kind: "rate_limit", retryAfterSeconds: 4 }, { times: 2, path: "/v1/customers" });
    const before = fake.requests.length;
    const all = ids(await collect(customerPages(connection)));
    expect(new Set(all).size).toBe(1000);
    expect(fake.requests.length - before).toBe(12);
    expect(clock.sleeps.slice(sleepsBefore)).toEqual([4000, 4000]);
  });
});

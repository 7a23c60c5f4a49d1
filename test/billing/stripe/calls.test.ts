import { afterEach, describe, expect, it } from "vitest";
import { BillingError } from "../../../src/billing/billing-error.js";
import { createStripeCall, DEFAULT_RETRY } from "../../../src/billing/stripe/calls.js";
import { createRateLimiter } from "../../../src/billing/stripe/rate-limiter.js";
import { VirtualClock } from "../virtual-clock.js";
import { fakeStripe } from "./fake.js";

const { fake, sdk } = await fakeStripe();
const stripe = sdk();
afterEach(() => fake.clearFaults());

/** A call runner on its own virtual clock; `random` 1 makes the backoff its upper bound. */
function runner(requestsPerSecond = 0) {
  const clock = new VirtualClock();
  const call = createStripeCall(createRateLimiter(requestsPerSecond, clock), clock, {
    ...DEFAULT_RETRY,
    random: () => 1,
  });
  const requestsBefore = fake.requests.length;
  return { clock, call, requests: () => fake.requests.length - requestsBefore };
}

describe("a Stripe call", () => {
  it("waits as long as Retry-After says after a 429, then succeeds", async () => {
    const { clock, call, requests } = runner();
    fake.inject({ kind: "rate_limit", retryAfterSeconds: 3 }, { times: 2 });
    const list = await call(() => stripe.customers.list());
    expect(list.object).toBe("list");
    expect(requests()).toBe(3);
    expect(clock.sleeps).toEqual([3000, 3000]);
  });

  it("backs off exponentially after a 429 without Retry-After", async () => {
    const { clock, call, requests } = runner();
    fake.inject({ kind: "rate_limit" }, { times: 3 });
    await call(() => stripe.customers.list());
    expect(requests()).toBe(4);
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it("holds the connection's other calls too while rate limited", async () => {
    const { clock, call } = runner(10);
    fake.inject({ kind: "rate_limit", retryAfterSeconds: 2 }, { times: 1 });
    let refusedAt = 0;
    let other: Promise<unknown> | null = null;
    let otherStartedAt = 0;
    await call(async () => {
      try {
        return await stripe.customers.list();
      } catch (error) {
        // Another call of the connection comes along right as the 429 arrives.
        refusedAt = clock.now();
        other ??= call(() => {
          otherStartedAt = clock.now();
          return stripe.customers.list();
        });
        throw error;
      }
    });
    await other;
    expect(otherStartedAt).toBeGreaterThanOrEqual(refusedAt + 2000);
  });

  it("retries server errors and lost connections, then succeeds", async () => {
    const { clock, call, requests } = runner();
    fake.inject({ kind: "server_error", status: 500 }, { times: 2 });
    fake.inject({ kind: "drop" }, { times: 2 });
    await call(() => stripe.customers.list());
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    // The SDK itself tries a dropped connection once more (a stale keep-alive socket).
    expect(requests()).toBe(5);
  });

  it("gives up on server errors past the retry budget as unavailable", async () => {
    const { call, requests } = runner();
    fake.inject({ kind: "server_error", status: 502 }, { times: 10 });
    const failure = call(() => stripe.customers.list());
    await expect(failure).rejects.toBeInstanceOf(BillingError);
    await expect(failure).rejects.toMatchObject({ code: "unavailable", status: 502 });
    expect(requests()).toBe(DEFAULT_RETRY.maxRetries + 1);
  });

  it("gives up past the 429 budget as rate_limited", async () => {
    const { call, requests } = runner();
    fake.inject({ kind: "rate_limit", retryAfterSeconds: 1 }, { times: 20 });
    await expect(call(() => stripe.customers.list())).rejects.toMatchObject({
      code: "rate_limited",
    });
    expect(requests()).toBe(DEFAULT_RETRY.maxRateLimitRetries + 1);
  });

  it("does not retry when Stripe says not to", async () => {
    const { call, requests } = runner();
    fake.inject({ kind: "server_error", status: 500, shouldRetry: false });
    await expect(call(() => stripe.customers.list())).rejects.toMatchObject({
      code: "request_failed",
      status: 500,
    });
    expect(requests()).toBe(1);
  });

  it("fails at once with invalid_key when the key is refused", async () => {
    const { call, requests } = runner();
    const failure = call(() => sdk("sk_test_revoked").customers.list());
    await expect(failure).rejects.toMatchObject({ code: "invalid_key", status: 401 });
    await expect(failure).rejects.not.toHaveProperty("message", expect.stringContaining("revoked"));
    expect(requests()).toBe(1);
  });

  it("fails at once on other refusals, with Stripe's code", async () => {
    const { call, requests } = runner();
    await expect(call(() => stripe.subscriptions.retrieve("sub_missing"))).rejects.toMatchObject({
      code: "request_failed",
      providerCode: "resource_missing",
      status: 404,
    });
    expect(requests()).toBe(1);
  });
});

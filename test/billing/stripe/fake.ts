import type Stripe from "stripe";
import { afterAll } from "vitest";
import { createStripeClient } from "../../../src/billing/stripe/client.js";
import {
  type FakeStripe,
  type FakeStripeOptions,
  startFakeStripe,
} from "../../../src/billing/stripe/fake/server.js";
import type { StripeSettings } from "../../../src/config.js";
import { VirtualClock } from "../virtual-clock.js";

export const TEST_KEY = "sk_test_fake123";
export const LIVE_KEY = "rk_live_fake456";

/** A fake Stripe for this test file, on a virtual clock, closed after the file's tests. */
export async function fakeStripe(
  options: Partial<FakeStripeOptions> = {},
): Promise<{ fake: FakeStripe; clock: VirtualClock; sdk: (key?: string) => Stripe }> {
  const clock = new VirtualClock();
  const fake = await startFakeStripe({ keys: [TEST_KEY, LIVE_KEY], now: clock.now, ...options });
  afterAll(() => fake.close());
  const sdk = (key = TEST_KEY) =>
    createStripeClient({ apiKey: key, apiBase: fake.url, timeoutMs: 5000 });
  return { fake, clock, sdk };
}

/** Settings pointing at the fake, without a rate limit unless given one. */
export function settingsFor(
  fake: FakeStripe,
  requestsPerSecond = 0,
  lists: Partial<Pick<StripeSettings, "backfillWindowDays" | "listPageSize">> = {},
): StripeSettings {
  return {
    apiBase: fake.url,
    liveRequestsPerSecond: requestsPerSecond,
    testRequestsPerSecond: requestsPerSecond,
    timeoutMs: 5000,
    catchUpMinutes: 15,
    mrrDiscountDurations: ["forever"],
    backfillWindowDays: 30,
    listPageSize: 100,
    ...lists,
  };
}

import type Stripe from "stripe";
import type { StripeSettings } from "../../config.js";
import { type Clock, systemClock } from "../clock.js";
import type { BillingMode } from "../provider.js";
import { createStripeCall, type RetryOptions, type StripeCall } from "./calls.js";
import { createStripeClient, stripeKeyMode } from "./client.js";
import { CouponCache } from "./coupons.js";
import { createRateLimiter } from "./rate-limiter.js";

export interface StripeConnectionOptions {
  apiKey: string;
  settings: StripeSettings;
  clock?: Clock;
  retry?: RetryOptions;
}

/** What every request of one connected Stripe account shares. */
export interface StripeConnection {
  stripe: Stripe;
  /** Runs a request under the connection's one rate limiter, with retries. */
  call: StripeCall;
  coupons: CouponCache;
  clock: Clock;
  mode: BillingMode;
  /** Objects per list request. */
  pageSize: number;
}

/** A connection for a key: its mode from the key, its rate from the settings for that mode. */
export function openStripeConnection(options: StripeConnectionOptions): StripeConnection {
  const { apiKey, settings } = options;
  const mode = stripeKeyMode(apiKey);
  const clock = options.clock ?? systemClock;
  const stripe = createStripeClient({
    apiKey,
    apiBase: settings.apiBaseByKey?.get(apiKey) ?? settings.apiBase,
    timeoutMs: settings.timeoutMs,
  });
  const rate = mode === "live" ? settings.liveRequestsPerSecond : settings.testRequestsPerSecond;
  const call = createStripeCall(createRateLimiter(rate, clock), clock, options.retry);
  const coupons = new CouponCache(stripe, call);
  return { stripe, call, coupons, clock, mode, pageSize: settings.listPageSize };
}

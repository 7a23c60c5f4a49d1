import Stripe from "stripe";
import { BillingError } from "../billing-error.js";
import type { BillingMode } from "../provider.js";

/**
 * The API version we read Stripe's objects in, pinned: an account's default version or a
 * new SDK never changes their shape under us. Written out so that an SDK upgrade to another
 * version fails to compile here, where the mapping is to be checked again.
 */
export const STRIPE_API_VERSION = "2026-11-18.endive" satisfies typeof Stripe.API_VERSION;

export interface StripeClientOptions {
  apiKey: string;
  /** An origin: Stripe's `https://api.stripe.com`, a proxy, or the fake server. */
  apiBase: string;
  timeoutMs: number;
}

/** Live or test, from the key's prefix; any other text is not a key we can use. */
export function stripeKeyMode(apiKey: string): BillingMode {
  const match = /^(?:sk|rk)_(live|test)_[0-9A-Za-z]+$/.exec(apiKey);
  if (!match) {
    throw new BillingError(
      "invalid_key",
      "A Stripe key starts with rk_live_, rk_test_, sk_live_ or sk_test_.",
    );
  }
  return match[1] === "live" ? "live" : "test";
}

/** The official SDK, pointed at `apiBase`, with its own retries off: ours wait for the limiter. */
export function createStripeClient(options: StripeClientOptions): Stripe {
  stripeKeyMode(options.apiKey);
  const url = new URL(options.apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return new Stripe(options.apiKey, {
    apiVersion: STRIPE_API_VERSION,
    protocol,
    // The SDK wants a bare host name: no IPv6 brackets.
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port || (protocol === "http" ? 80 : 443),
    // A stale keep-alive socket is still retried once by the SDK; everything else is ours.
    maxNetworkRetries: 0,
    timeout: options.timeoutMs,
    // Request timings of ours are not sent along to Stripe.
    telemetry: false,
    appInfo: { name: "cancel-insights" },
  });
}

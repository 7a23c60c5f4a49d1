import Stripe from "stripe";
import { BillingError } from "../billing-error.js";

/** What to do after a failed request: wait and retry (how), or give up with `error`. */
export type FailureVerdict =
  | { kind: "rate_limited"; retryAfterMs: number | null }
  | { kind: "transient"; status: number | null }
  | { kind: "final"; error: BillingError };

function header(error: Stripe.errors.StripeError, name: string): string | undefined {
  return error.headers?.[name];
}

/** Retry-After in seconds, as Stripe sends it; an HTTP date or nonsense counts as absent. */
function retryAfterMs(value: string | undefined): number | null {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return null;
  return Number(value) * 1000;
}

/**
 * Sorts a failed SDK call: 429 waits (as long as Retry-After says), server errors, 409 lock
 * conflicts and lost connections are retried, and anything else fails at once with a code of
 * ours and Stripe's own. `Stripe-Should-Retry` overrides the guess either way.
 */
export function judgeFailure(error: unknown): FailureVerdict {
  if (!(error instanceof Stripe.errors.StripeError)) {
    throw error;
  }
  const shouldRetry = header(error, "stripe-should-retry");
  const status = error.statusCode ?? null;
  if (shouldRetry !== "false") {
    if (error instanceof Stripe.errors.StripeRateLimitError) {
      return { kind: "rate_limited", retryAfterMs: retryAfterMs(header(error, "retry-after")) };
    }
    if (shouldRetry === "true" || status === null || status === 409 || status >= 500) {
      return { kind: "transient", status };
    }
  }
  return { kind: "final", error: toBillingError(error) };
}

/** A refusal that retrying would not change, as a BillingError. */
export function toBillingError(error: Stripe.errors.StripeError): BillingError {
  const details = {
    providerCode: error.code ?? null,
    providerMessage: error.message,
    status: error.statusCode ?? null,
    cause: error,
  };
  switch (error.statusCode) {
    case 401:
      return new BillingError("invalid_key", "Stripe refused the key.", details);
    case 403:
      return new BillingError(
        "permission_denied",
        "The Stripe key lacks a permission this needs.",
        details,
      );
    default:
      return new BillingError("request_failed", "Stripe refused the request.", details);
  }
}

/** True for Stripe's "no such object" (a fetch of something deleted or never there). */
export function isMissing(error: unknown): boolean {
  return error instanceof BillingError && error.providerCode === "resource_missing";
}

import { type RetryPolicy, retryDelayMs } from "../../jobs/backoff.js";
import { BillingError } from "../billing-error.js";
import type { Clock } from "../clock.js";
import { judgeFailure } from "./errors.js";
import type { RateLimiter } from "./rate-limiter.js";

export interface RetryOptions {
  /** Retries after server errors and lost connections. */
  maxRetries: number;
  /** Retries after 429s. */
  maxRateLimitRetries: number;
  /** The pauses between them when Stripe does not say how long (jittered, doubling). */
  backoff: RetryPolicy;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 4,
  maxRateLimitRetries: 8,
  backoff: { retryBaseMs: 500, maxDelayMs: 30_000 },
};

/** Runs one request (an SDK call) under the limiter, retried as Stripe asks. */
export type StripeCall = <T>(request: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

/**
 * Every request of a connection goes through here: it waits for the connection's limiter,
 * and a 429 holds the whole connection (not only this call) for Retry-After, so that the
 * others do not run into the same wall.
 */
export function createStripeCall(
  limiter: RateLimiter,
  clock: Clock,
  retry: RetryOptions = DEFAULT_RETRY,
): StripeCall {
  return async <T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    let failures = 0;
    let rateLimits = 0;
    for (;;) {
      await limiter.acquire(signal);
      try {
        return await request();
      } catch (error) {
        const verdict = judgeFailure(error);
        if (verdict.kind === "final") throw verdict.error;
        if (verdict.kind === "rate_limited") {
          rateLimits += 1;
          if (rateLimits > retry.maxRateLimitRetries) {
            throw new BillingError("rate_limited", "Stripe kept answering 429.", {
              status: 429,
              cause: error,
            });
          }
          const waitMs =
            verdict.retryAfterMs ?? retryDelayMs(rateLimits, retry.backoff, retry.random);
          limiter.holdUntil(clock.now() + waitMs);
        } else {
          failures += 1;
          if (failures > retry.maxRetries) {
            throw new BillingError("unavailable", "Stripe did not answer or kept failing.", {
              status: verdict.status,
              cause: error,
            });
          }
          await clock.sleep(retryDelayMs(failures, retry.backoff, retry.random), signal);
        }
      }
    }
  };
}

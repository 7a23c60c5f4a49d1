/** How long to wait before retrying: the first pause, doubled per attempt up to a cap. */
export interface RetryPolicy {
  readonly retryBaseMs: number;
  readonly maxDelayMs: number;
}

/**
 * How long to wait after failed attempt number `attempt` (1 = the first): the base doubled
 * per attempt, capped, with the upper half jittered so that work failing together (a
 * receiver or a provider down for a while) does not all come back in the same second.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.retryBaseMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}

/** After a failed attempt: failed for good once attempts ran out, else retried later. */
export function afterFailure(
  attempts: number,
  maxAttempts: number,
  policy: RetryPolicy,
): { status: "failed" } | { status: "pending"; delayMs: number } {
  if (attempts >= maxAttempts) return { status: "failed" };
  return { status: "pending", delayMs: retryDelayMs(attempts, policy) };
}

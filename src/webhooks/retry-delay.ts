import type { WebhookConfig } from "../config.js";

/**
 * How long to wait after failed attempt number `attempt` (1 = the first): the base doubled
 * per attempt, capped, with the upper half jittered so that receivers coming back after an
 * outage are not hit by every queued delivery in the same second.
 */
export function retryDelayMs(
  attempt: number,
  config: Pick<WebhookConfig, "retryBaseMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(config.maxDelayMs, config.retryBaseMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}

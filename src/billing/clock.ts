import { setTimeout as delay } from "node:timers/promises";

/**
 * Time as billing code sees it, so that tests run a rate limiter or a backoff on a clock of
 * their own instead of waiting: `now` in milliseconds, `sleep` rejects when `signal` aborts.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
};

import type { Clock } from "../clock.js";

/**
 * Spaces the requests of one connection evenly, at most `requestsPerSecond`, whichever of
 * its callers makes them, and holds them all while the provider asked us to wait (429).
 * Even spacing rather than bursts: Stripe counts per second, and a burst at the start of
 * each second is what trips it.
 */
export interface RateLimiter {
  /** Resolves when the caller may send its request. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** No request starts before `untilMs` (on the limiter's clock). */
  holdUntil(untilMs: number): void;
}

/** `requestsPerSecond` 0: no spacing (holds still apply). */
export function createRateLimiter(requestsPerSecond: number, clock: Clock): RateLimiter {
  const intervalMs = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
  // The earliest start of the next free slot, and of any request at all.
  let nextSlot = Number.NEGATIVE_INFINITY;
  let heldUntil = Number.NEGATIVE_INFINITY;

  async function acquire(signal?: AbortSignal): Promise<void> {
    let now = clock.now();
    while (now < heldUntil) {
      await clock.sleep(heldUntil - now, signal);
      now = clock.now();
    }
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + intervalMs;
    if (slot > now) await clock.sleep(slot - now, signal);
    // A hold that began while this caller waited for its slot holds it too.
    if (clock.now() < heldUntil) return acquire(signal);
  }

  return {
    acquire,
    holdUntil(untilMs) {
      heldUntil = Math.max(heldUntil, untilMs);
    },
  };
}

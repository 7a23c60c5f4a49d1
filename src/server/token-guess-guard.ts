import { AppError } from "../errors.js";

const WINDOW_MS = 60_000;
/** Past this many addresses, windows that are over are swept before a new one is added. */
const SWEEP_AT = 10_000;

/**
 * Counts, per client IP, the widget requests that named no live access token. A site's own
 * visitors send its one token; an address that keeps naming unknown ones is guessing, and
 * is refused for the rest of the minute before any lookup. Per process, like the other limits.
 */
export function createTokenGuessGuard(maxPerMinute: number, now = () => Date.now()) {
  const windows = new Map<string, { failures: number; endsAt: number }>();

  function current(ip: string) {
    const window = windows.get(ip);
    return window && window.endsAt > now() ? window : undefined;
  }

  return {
    /** 429 `rate_limited` (with the seconds to wait) while `ip` is shut out. */
    check(ip: string): void {
      if (maxPerMinute === 0) return;
      const window = current(ip);
      if (window && window.failures >= maxPerMinute) {
        const seconds = Math.ceil((window.endsAt - now()) / 1000);
        throw new AppError(
          "rate_limited",
          `Too many requests with unknown access tokens, retry in ${seconds} seconds.`,
          { field: "access_token_id", retryAfterSeconds: seconds },
        );
      }
    },

    /** One more request from `ip` named no live token. */
    failed(ip: string): void {
      if (maxPerMinute === 0) return;
      const window = current(ip);
      if (window) {
        window.failures++;
        return;
      }
      if (windows.size >= SWEEP_AT) {
        for (const [key, old] of windows) if (old.endsAt <= now()) windows.delete(key);
      }
      windows.set(ip, { failures: 1, endsAt: now() + WINDOW_MS });
    },
  };
}

export type TokenGuessGuard = ReturnType<typeof createTokenGuessGuard>;

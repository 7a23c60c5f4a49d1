import { createHash } from "node:crypto";
import type {
  LoginThrottleRepository,
  ThrottlePolicy,
} from "../../db/repositories/login-throttle.js";
import { normalizeEmail } from "../../db/repositories/users.js";
import { AppError } from "../../errors.js";

const MINUTE = 60_000;

export interface LoginThrottlePolicies {
  /** Guessing one person's password, from anywhere. */
  email: ThrottlePolicy;
  /** Trying many emails from one place; looser, as an office shares one address. */
  ip: ThrottlePolicy;
}

export const LOGIN_THROTTLE: LoginThrottlePolicies = {
  email: { maxFailures: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
  ip: { maxFailures: 100, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
};

function keyOf(kind: "email" | "ip", value: string): string {
  return createHash("sha256").update(`${kind}:${value}`).digest("hex");
}

/**
 * Brute-force protection for everything that checks a password. Unknown emails are
 * counted and locked like known ones, so a lock tells nothing about who has a user.
 */
export function createLoginThrottle(
  throttle: LoginThrottleRepository,
  policies: LoginThrottlePolicies = LOGIN_THROTTLE,
) {
  let lastCleanup = 0;

  // Old counts can never matter again; sweeping once a minute keeps the table small.
  async function sweep(): Promise<void> {
    if (Date.now() - lastCleanup <= MINUTE) return;
    lastCleanup = Date.now();
    const longest = Math.max(
      policies.email.windowMs + policies.email.lockMs,
      policies.ip.windowMs + policies.ip.lockMs,
    );
    await throttle.deleteStale(longest);
  }

  function locked(until: Date | null): AppError {
    const seconds = Math.max(1, Math.ceil(((until?.getTime() ?? Date.now()) - Date.now()) / 1000));
    return new AppError(
      "login_locked",
      `Too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} minute(s).`,
      { retryAfterSeconds: seconds },
    );
  }

  return {
    /**
     * Counts the attempt against the email and the client IP before the password is
     * checked; `login_locked` (429, Retry-After) when either has no attempts left.
     */
    async reserve(email: string, ip: string): Promise<void> {
      const [byEmail, byIp] = await Promise.all([
        throttle.reserveAttempt(keyOf("email", normalizeEmail(email)), policies.email),
        throttle.reserveAttempt(keyOf("ip", ip), policies.ip),
      ]);
      if (!byEmail.allowed || !byIp.allowed) {
        const untils = [byEmail, byIp].filter((r) => !r.allowed).map((r) => r.lockedUntil);
        throw locked(untils.reduce((a, b) => (b && (!a || b > a) ? b : a), null));
      }
      await sweep();
    },

    /** A right password forgives the email's earlier mistakes, and this attempt the IP. */
    async succeeded(email: string, ip: string): Promise<void> {
      await throttle.clear(keyOf("email", normalizeEmail(email)));
      await throttle.forgiveAttempt(keyOf("ip", ip));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

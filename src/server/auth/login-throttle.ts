import { createHash } from "node:crypto";
import type { FastifyReply } from "fastify";
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

  return {
    /** `login_locked` (429, Retry-After) while the email or the client IP is locked. */
    async assertOpen(reply: FastifyReply, email: string, ip: string): Promise<void> {
      const until = await throttle.lockedUntil([
        keyOf("email", normalizeEmail(email)),
        keyOf("ip", ip),
      ]);
      if (!until) return;
      const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
      reply.header("retry-after", String(seconds));
      throw new AppError(
        "login_locked",
        `Too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} minute(s).`,
      );
    },

    async failed(email: string, ip: string): Promise<void> {
      await throttle.recordFailure(keyOf("email", normalizeEmail(email)), policies.email);
      await throttle.recordFailure(keyOf("ip", ip), policies.ip);
      // Old counts can never matter again; sweeping once a minute keeps the table small.
      if (Date.now() - lastCleanup > MINUTE) {
        lastCleanup = Date.now();
        const longest = Math.max(
          policies.email.windowMs + policies.email.lockMs,
          policies.ip.windowMs + policies.ip.lockMs,
        );
        await throttle.deleteStale(longest);
      }
    },

    /** A right password forgives the email's earlier mistakes (not the IP's). */
    async succeeded(email: string): Promise<void> {
      await throttle.clear(keyOf("email", normalizeEmail(email)));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

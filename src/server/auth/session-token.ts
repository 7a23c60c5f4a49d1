import { createHash, randomBytes } from "node:crypto";

/** 256 random bits: unguessable, so the cookie needs no signature and no server secret. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps: a stolen table cannot be replayed as cookies. */
export function sessionIdOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * The CSRF token of a session, derived from its cookie token. Another site can neither read
 * the cookie nor our JSON replies, so it cannot produce this; and the derivation is one-way,
 * so a leaked CSRF token (logs, screenshots) does not give the session away.
 */
export function csrfTokenOf(token: string): string {
  return createHash("sha256").update("csrf\0").update(token).digest("base64url");
}

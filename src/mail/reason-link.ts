import type { Keyring } from "../db/secrets/keyring.js";
import { readSignedToken, signedToken } from "./signed-token.js";

/** What the keyring signs reason-form links for: a signature for anything else never passes. */
const PURPOSE = "reason-form-link";

export type ReasonLinkCheck =
  | { ok: true; emailId: string; expiresAt: Date }
  | { ok: false; why: "tampered" | "expired" };

/**
 * The token of a reason email's form link: `<email id>.<expiry, Unix seconds>.<signature>`,
 * the signature an HMAC by a key derived from the secrets keyring. The email id names the
 * link's state (used or not) in the database; the expiry is checked before any query.
 */
export function reasonLinkToken(secrets: Keyring, emailId: string, expiresAt: Date): string {
  return signedToken(secrets, [emailId, String(Math.floor(expiresAt.getTime() / 1000))], PURPOSE);
}

/** Whether a token is one we made, and still within its life at `now`. */
export function checkReasonLink(
  secrets: Keyring,
  token: string,
  now = new Date(),
): ReasonLinkCheck {
  const [emailId, expires] = readSignedToken(secrets, token, 2, PURPOSE) ?? [];
  if (!emailId || !expires || !/^\d{1,12}$/.test(expires)) return { ok: false, why: "tampered" };
  const expiresAt = new Date(Number(expires) * 1000);
  if (expiresAt <= now) return { ok: false, why: "expired" };
  return { ok: true, emailId, expiresAt };
}

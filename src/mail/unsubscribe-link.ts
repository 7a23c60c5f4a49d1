import type { Keyring } from "../db/secrets/keyring.js";
import { readSignedToken, signedToken } from "./signed-token.js";

/** What the keyring signs unsubscribe links for: a signature for anything else never passes. */
const PURPOSE = "campaign-unsubscribe";

/**
 * The token of a campaign email's unsubscribe link: `<email id>.<signature>`. The email names
 * the account and the address; no expiry, since an unsubscribe link must work for as long as
 * the email is kept.
 */
export function unsubscribeToken(secrets: Keyring, emailId: string): string {
  return signedToken(secrets, [emailId], PURPOSE);
}

/** The email a token is for, or null when it is not one we made (altered, cut short). */
export function checkUnsubscribeToken(secrets: Keyring, token: string): string | null {
  return readSignedToken(secrets, token, 1, PURPOSE)?.[0] ?? null;
}

/** The link's address, for the `List-Unsubscribe` header and the email's footer. */
export function unsubscribeUrl(secrets: Keyring, publicUrl: string, emailId: string): string {
  return `${publicUrl}/u/${unsubscribeToken(secrets, emailId)}`;
}

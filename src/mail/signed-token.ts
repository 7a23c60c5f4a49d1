import type { Keyring } from "../db/secrets/keyring.js";

/**
 * A link's token: its fields joined by dots, then the keyring's signature of them for
 * `purpose` (`<key id>.<mac>`). Fields must hold no dot.
 */
export function signedToken(secrets: Keyring, fields: readonly string[], purpose: string): string {
  const message = fields.join(".");
  return `${message}.${secrets.sign(message, purpose)}`;
}

/**
 * The `count` fields of a token `signedToken` made for `purpose`, or null when it is not one
 * (another shape, a field missing, an altered field or signature).
 */
export function readSignedToken(
  secrets: Keyring,
  token: string,
  count: number,
  purpose: string,
): string[] | null {
  const parts = token.split(".");
  if (parts.length !== count + 2 || parts.some((part) => part === "")) return null;
  const fields = parts.slice(0, count);
  const signature = parts.slice(count).join(".");
  return secrets.verify(fields.join("."), signature, purpose) ? fields : null;
}

import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Random base62 string; 22 characters carry ~131 bits, enough for public and secret ids. */
export function randomToken(length = 22): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  for (const byte of bytes) {
    if (byte < 248) out += ALPHABET[byte % 62];
    if (out.length === length) return out;
  }
  return out + randomToken(length - out.length);
}

export type IdPrefix = "acc" | "tok" | "key" | "rsn" | "evt" | "usr" | "inv";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomToken()}`;
}

import { createHash, randomBytes } from "node:crypto";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A fresh invite token (256 random bits) and the hash the database keeps. */
export function newInviteToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: inviteTokenHash(token) };
}

export function inviteTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The dashboard page that accepts the invite. */
export function inviteUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/invite/${token}`;
}

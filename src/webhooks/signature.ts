import { createHmac } from "node:crypto";
import { randomToken } from "../db/ids.js";

export const SIGNATURE_HEADER = "Cancel-Insights-Signature";
export const DELIVERY_HEADER = "Cancel-Insights-Delivery";
export const EVENT_HEADER = "Cancel-Insights-Event";

/** 190 random bits, prefixed so a leaked one is recognisable in logs and scanners. */
export function newSigningSecret(): string {
  return `whsec_${randomToken(32)}`;
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one `v1` per secret: right after
 * a rotation both the new and the old secret sign, so a receiver may check either.
 */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  const signed = `${timestamp}.${body}`;
  const signatures = secrets.map(
    (secret) => `v1=${createHmac("sha256", secret).update(signed).digest("hex")}`,
  );
  return [`t=${timestamp}`, ...signatures].join(",");
}

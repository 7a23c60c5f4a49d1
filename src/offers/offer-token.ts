import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "../errors.js";

/** What an offer token binds: shown to this customer, for this subscription and offer. */
export interface OfferTokenClaims {
  accountId: string;
  customerId: string;
  subscriptionId: string | null;
  offerId: string;
  /** Unix seconds. */
  expiresAt: number;
  /** Names this token: it is accepted once. */
  nonce: string;
}

const encode = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const sign = (secret: string, body: string) =>
  createHmac("sha256", secret).update(`offer-token.${body}`).digest();

/** An opaque token the widget hands back on accept: the claims and their HMAC. */
export function issueOfferToken(
  secret: string,
  claims: Omit<OfferTokenClaims, "nonce">,
): { token: string; claims: OfferTokenClaims } {
  const full = { ...claims, nonce: encode(randomBytes(12)) };
  const body = encode(JSON.stringify(full));
  return { token: `${body}.${encode(sign(secret, body))}`, claims: full };
}

/**
 * The claims of a token signed with `secret`, for this account and customer, not expired;
 * anything else (tampered, another account's or customer's, expired) is refused alike.
 */
export function verifyOfferToken(
  secret: string,
  token: string,
  expect: { accountId: string; customerId: string; now: number },
): OfferTokenClaims {
  const refuse = () => new AppError("invalid_offer_token", undefined, { field: "offer_token" });
  const [body, mac, extra] = token.split(".");
  if (!body || !mac || extra !== undefined) throw refuse();
  const given = Buffer.from(mac, "base64url");
  const wanted = sign(secret, body);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw refuse();
  const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as OfferTokenClaims;
  if (
    claims.accountId !== expect.accountId ||
    claims.customerId !== expect.customerId ||
    claims.expiresAt <= expect.now
  ) {
    throw refuse();
  }
  return claims;
}

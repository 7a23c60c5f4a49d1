/**
 * What goes wrong talking to a billing provider, by code, the same for every provider: the
 * code is what the dashboard and the CLI explain ("the key was refused"), the provider's own
 * code and message ride along for the details. `message` is ours and holds no secret or
 * customer text, so it may be logged; `providerMessage` is the provider's and may quote a
 * (masked) key or an id.
 */
export type BillingErrorCode =
  /** The key is malformed, unknown, expired or revoked. */
  | "invalid_key"
  /** A restricted key lacks a permission the call needs. */
  | "permission_denied"
  /** Still rate limited after the retries. */
  | "rate_limited"
  /** Server errors or no answer, after the retries. */
  | "unavailable"
  /** The provider refused the request for another reason. */
  | "request_failed"
  /** The event cursor names an event the provider no longer keeps. */
  | "cursor_expired"
  /** A webhook whose signature does not match its body and secret. */
  | "invalid_signature"
  /** A webhook signed too long ago: a replay, or a very late delivery. */
  | "timestamp_too_old"
  /** A subscription whose items are in different currencies. */
  | "mixed_currencies"
  /** An offer this subscription cannot take as it is (several licensed items, no item). */
  | "unsupported_subscription"
  /** The subscription named is not at the provider (deleted, or another account's). */
  | "not_found";

export class BillingError extends Error {
  readonly code: BillingErrorCode;
  /** The provider's error code (Stripe's `api_key_expired`, `resource_missing`, ...). */
  readonly providerCode: string | null;
  readonly providerMessage: string | null;
  /** The provider's HTTP status, when it answered. */
  readonly status: number | null;

  constructor(
    code: BillingErrorCode,
    message: string,
    options: {
      providerCode?: string | null;
      providerMessage?: string | null;
      status?: number | null;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "BillingError";
    this.code = code;
    this.providerCode = options.providerCode ?? null;
    this.providerMessage = options.providerMessage ?? null;
    this.status = options.status ?? null;
  }
}

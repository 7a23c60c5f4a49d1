import type { DomainError } from "./db/domain-error.js";

/**
 * Every error the service reports, in one table: code, HTTP status and a default message.
 * Handlers throw `AppError`; the server's error handler and the CLI turn it into the one
 * error shape `{ error: { code, message, field } }` or a one-line message.
 */
export const errorTable = {
  validation_error: { status: 400, message: "The request is not valid." },
  invalid_json: { status: 400, message: "The body is not valid JSON." },
  invalid_signature: {
    status: 400,
    message: "The webhook's signature does not match its body and this endpoint's secret.",
  },
  timestamp_too_old: { status: 400, message: "The webhook was signed too long ago." },
  invalid_credentials: { status: 401, message: "Wrong email or password." },
  not_signed_in: { status: 401, message: "Sign in first." },
  invalid_api_key: {
    status: 401,
    message: "Send an active secret key as Authorization: Bearer <key>.",
  },
  invalid_key: {
    status: 400,
    message: "The billing provider refused this key: it is malformed, unknown, expired or revoked.",
  },
  permission_denied: {
    status: 400,
    message: "The key lacks a read permission the sync needs.",
  },
  invalid_access_token: { status: 403, message: "Unknown or revoked access_token_id." },
  invalid_customer_hash: {
    status: 403,
    message: "customer_oid_hash does not match customer_oid.",
  },
  csrf_failed: {
    status: 403,
    message: "The request did not come from the dashboard (missing or wrong CSRF token).",
  },
  forbidden: { status: 403, message: "Only an owner of this account can do this." },
  origin_not_allowed: { status: 403, message: "This site may not use this widget." },
  invalid_offer_token: {
    status: 403,
    message: "The offer token is forged, expired, or for another customer.",
  },
  not_found: { status: 404, message: "Not found." },
  offer_not_found: { status: 404, message: "This account has no such offer." },
  unknown_provider: { status: 404, message: "No billing provider of this name is known here." },
  already_set_up: { status: 409, message: "The first user exists already: sign in instead." },
  email_taken: { status: 409, message: "A user with this email exists already." },
  last_owner: { status: 409, message: "An account must keep at least one owner." },
  reason_exists: { status: 409, message: "A reason with this text exists already." },
  delivery_in_progress: {
    status: 409,
    message: "This delivery is being sent right now: wait for the attempt to finish.",
  },
  too_many_webhooks: { status: 409, message: "An account may have at most 10 webhook endpoints." },
  event_not_cancellation: {
    status: 409,
    message: "This event is a dismissal: the customer cancelled nothing, so it takes no reason.",
  },
  billing_already_connected: {
    status: 409,
    message: "This account is connected to this billing provider in this mode already.",
  },
  billing_sync_running: {
    status: 409,
    message: "A sync of this billing connection is running already.",
  },
  link_invalid: {
    status: 400,
    message:
      "This link is not one we sent: it was altered or cut short. Use the link in the email as it is.",
  },
  unsubscribe_link_invalid: {
    status: 400,
    message:
      "This unsubscribe link is not one we sent: it was altered or cut short. Use the link in the email as it is.",
  },
  link_used: { status: 410, message: "This link was used already: your answer is recorded." },
  link_expired: { status: 410, message: "This link has expired." },
  offer_not_eligible: {
    status: 409,
    message: "This customer may not have this offer now.",
  },
  offer_already_accepted: { status: 409, message: "This offer was accepted already." },
  invite_expired: { status: 410, message: "This invite link was used already or has expired." },
  body_too_large: { status: 413, message: "The body is too large." },
  unsupported_media_type: {
    status: 415,
    message: "This content type is not accepted: send the body as JSON (application/json).",
  },
  unsafe_webhook_target: {
    status: 422,
    message: "This URL points at a local or private address, which webhooks may not reach.",
  },
  invalid_template: {
    status: 422,
    message: "The template has an unknown variable or an unbalanced {{ or }}.",
  },
  unknown_offer: { status: 422, message: "offer_id is not one of this account's offers." },
  unknown_reason: { status: 422, message: "reason_id is not one of this account's reasons." },
  unknown_price: {
    status: 422,
    message: "None of this account's billing connections has a price of this id.",
  },
  idempotency_key_reused: {
    status: 422,
    message: "This Idempotency-Key was used with a different request: use a new key.",
  },
  rate_limited: { status: 429, message: "Too many requests, slow down." },
  login_locked: {
    status: 429,
    message: "Too many failed sign-ins: sign-in is locked for a while, try again later.",
  },
  billing_unavailable: {
    status: 502,
    message: "The billing provider could not be reached or refused the request: try again.",
  },
  offer_apply_failed: {
    status: 502,
    message: "The offer could not be applied at the billing provider: nothing was changed.",
  },
  data_dir_locked: { status: 503, message: "The data directory is used by another process." },
  database_unavailable: { status: 503, message: "The database is not reachable." },
  invalid_config: { status: 500, message: "The configuration is not valid." },
  invalid_secrets_key: { status: 500, message: "The secrets key is not valid." },
  secrets_key_missing: {
    status: 500,
    message: "A stored secret is encrypted with a key this server does not have.",
  },
  secret_unreadable: { status: 500, message: "A stored secret could not be opened." },
  internal_error: { status: 500, message: "Something went wrong on our side." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorTable;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  /** For "not now" errors (429, 503): when to try again, sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { field?: string; cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message ?? errorTable[code].message, { cause: options?.cause });
    this.name = "AppError";
    this.code = code;
    this.status = errorTable[code].status;
    this.field = options?.field;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /**
   * The storage layer's refusal, as the error the service reports for its code. A fault of
   * ours (a secret that does not open) keeps its details (which key, which row) for the log:
   * the client gets the table's message.
   */
  static from(error: DomainError): AppError {
    const ours = errorTable[error.code].status === 500;
    return new AppError(error.code, ours ? undefined : error.message, { cause: error });
  }

  toJSON(): { error: { code: ErrorCode; message: string; field?: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
      },
    };
  }
}

/**
 * What the storage layer refuses, by code: a rule of the data (an account keeps an owner) or
 * the database itself out of reach. It says nothing of HTTP; the server and the CLI turn a
 * code into their own answer (src/errors.ts holds the table).
 */
export type DomainErrorCode =
  | "last_owner"
  | "too_many_webhooks"
  | "data_dir_locked"
  | "database_unavailable"
  | "invalid_secrets_key"
  | "secrets_key_missing"
  | "secret_unreadable"
  | "billing_already_connected"
  | "billing_sync_running"
  | "unknown_reason"
  | "unknown_offer";

export class DomainError extends Error {
  readonly code: DomainErrorCode;

  constructor(code: DomainErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DomainError";
    this.code = code;
  }
}

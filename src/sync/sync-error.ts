import { BillingError } from "../billing/billing-error.js";
import { DomainError } from "../db/domain-error.js";
import { AppError } from "../errors.js";

/** A failure as runs and connections record it: a code, and a message safe to show and log. */
export function syncErrorOf(error: unknown): { code: string; message: string } {
  if (error instanceof BillingError || error instanceof AppError || error instanceof DomainError) {
    return { code: error.code, message: error.message };
  }
  return { code: "internal", message: "The sync failed unexpectedly: see the server's log." };
}

/** Failures a retry cannot mend: the key or its permissions, a request the provider refuses. */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof BillingError &&
    ["invalid_key", "permission_denied", "request_failed"].includes(error.code)
  );
}

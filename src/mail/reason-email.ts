import type { Repositories } from "../db/repositories/index.js";
import type { Cancellation, EmailRow } from "../db/schema.js";
import { emailSend } from "./send-email.js";

/** A cancellation first seen later than this after it was asked for is history (a backfill). */
export const REASON_EMAIL_LATE_MS = 24 * 3600_000;

/**
 * Called in the transaction that records a new cancellation: a voluntary one with no answer
 * linked, first seen soon after it was asked for, gets a reason email after the account's
 * delay. Whether an answer linked meanwhile is asked again when it is due.
 */
export async function queueReasonEmail(
  tx: Repositories,
  cancellation: Pick<Cancellation, "id" | "account_id" | "voluntary" | "requested_at">,
  answersLinked: number,
  now = Date.now(),
): Promise<EmailRow | undefined> {
  if (!cancellation.voluntary || answersLinked > 0) return undefined;
  if (now - new Date(cancellation.requested_at).getTime() > REASON_EMAIL_LATE_MS) return undefined;
  const email = await tx.emails.scheduleReason(cancellation);
  if (!email) return undefined;
  const { reason_delay_minutes } = await tx.emails.settings(cancellation.account_id);
  await emailSend.enqueue(
    tx.db,
    { emailId: email.id },
    { accountId: email.account_id, dedupeKey: email.id, delayMs: reason_delay_minutes * 60_000 },
  );
  return email;
}

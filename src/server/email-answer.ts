import { newId } from "../db/ids.js";
import type { Repositories } from "../db/repositories/index.js";
import type { EmailRow, Reason } from "../db/schema.js";
import { AppError } from "../errors.js";
import type { EventWriter } from "./event-writer.js";

const CLAIM_ERRORS = { used: "link_used", expired: "link_expired", unknown: "not_found" } as const;

/**
 * An answer given through a reason email's link: the link used up (once: a second use is
 * `link_used`), then the answer stored as the widget stores one, of source `email`, naming the
 * cancellation's subscription so that it links to that cancellation (and takes its MRR). A
 * failure to store gives the link back, so the customer may try again.
 */
export async function answerThroughLink(
  repos: Repositories,
  writer: EventWriter,
  email: EmailRow & { cancellation_id: string },
  answer: { reason: Reason; comment: string | undefined; locale: string },
): Promise<{ eventId: string; cancellationId: string }> {
  const claim = await repos.emails.claimLink(email.id);
  if (!claim.ok) throw new AppError(CLAIM_ERRORS[claim.why]);
  try {
    const cancellation = await repos.cancellations.get(email.account_id, email.cancellation_id);
    if (!cancellation) throw new AppError("not_found", "This link names nothing we sent.");
    const comment = answer.comment?.trim();
    const { event } = await writer.record({
      account_id: email.account_id,
      id: newId("evt"),
      kind: "answer",
      source: "email",
      reason_id: answer.reason.id,
      reason_text: answer.reason.text,
      comment: comment ? comment : null,
      customer_oid: cancellation.customer_id,
      subscription_oids: [cancellation.subscription_id],
      test_mode: cancellation.test_mode,
      idempotency_key: `email:${email.id}`,
      locale: answer.locale,
      mrr_amount: null,
      mrr_currency: null,
      plan: null,
    });
    await repos.emails.setAnswer(email.id, event.id);
    return { eventId: event.id, cancellationId: cancellation.id };
  } catch (error) {
    await repos.emails.releaseLink(email.id);
    throw error;
  }
}

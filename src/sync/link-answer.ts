import { DEFAULT_LINK_WINDOW_DAYS } from "../db/repositories/cancellation-answers.js";
import type { Repositories } from "../db/repositories/index.js";
import type { EventRow } from "../db/schema.js";

/**
 * An answer just stored, linked to the cancellations it explains (recorded before it: the
 * other way round, `applySubscription` links), taking their MRR and plan when it has none.
 * In one transaction: the caller's when `repos` is over one.
 */
export function linkAnswer(repos: Repositories, event: EventRow): Promise<void> {
  if (event.kind === "dismissal" || event.install_check) return Promise.resolve();
  return repos.transaction(async (tx) => {
    const links = await tx.cancellationAnswers.linkCancellations(event, DEFAULT_LINK_WINDOW_DAYS);
    if (links.length > 0 && (event.mrr_amount === null || event.plan === null)) {
      await tx.cancellationAnswers.fillFromCancellations(event.account_id, event.id);
    }
  });
}

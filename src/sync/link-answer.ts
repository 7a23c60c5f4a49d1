import { DEFAULT_LINK_WINDOW_DAYS } from "../db/repositories/cancellation-answers.js";
import type { Repositories } from "../db/repositories/index.js";
import type { EventRow } from "../db/schema.js";

/**
 * Answers just stored (an ingest batch, or one from the REST API), linked to the
 * cancellations they explain (recorded before them: the other way round,
 * `applySubscription` links), taking their MRR and plan when they have none. One statement
 * for the whole batch.
 */
export async function linkAnswers(
  repos: Repositories,
  events: ReadonlyArray<Pick<EventRow, "id" | "account_id">>,
): Promise<void> {
  await repos.cancellationAnswers.linkCancellations(events, DEFAULT_LINK_WINDOW_DAYS);
}

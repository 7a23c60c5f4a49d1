import { sql } from "kysely";
import type { Database } from "../database.js";
import { type CancellationRange, requestedIn } from "./cancellation-range.js";

export interface AnswerCoverage {
  /** Voluntary cancellations requested in the range, reactivated ones left out. */
  cancellations: number;
  /** Of those, the ones with a linked answer (a skip gives no reason: it does not count). */
  answered: number;
  /** answered / cancellations, 0..1; null without cancellations. */
  coverage: number | null;
}

/** "How many of the customers who chose to leave told us why?" */
export async function answerCoverage(
  db: Database,
  range: CancellationRange,
): Promise<AnswerCoverage> {
  const row = await requestedIn(db.selectFrom("cancellations"), range)
    .where("voluntary", "=", true)
    .where("state", "<>", "reactivated")
    .select([
      sql<number>`count(*)::integer`.as("cancellations"),
      sql<number>`(count(*) filter (where exists (
        select from cancellation_answers l
        join events e on e.account_id = l.account_id and e.id = l.event_id
        where l.cancellation_id = cancellations.id and e.kind = 'answer')))::integer`.as(
        "answered",
      ),
    ])
    .executeTakeFirstOrThrow();
  const cancellations = Number(row.cancellations);
  const answered = Number(row.answered);
  return { cancellations, answered, coverage: cancellations ? answered / cancellations : null };
}

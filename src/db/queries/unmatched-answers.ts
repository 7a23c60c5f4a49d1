import { sql } from "kysely";
import type { Database } from "../database.js";
import type { EventRow } from "../schema.js";

export interface UnmatchedAnswers {
  /** Newest first, at most the limit asked for. */
  events: EventRow[];
  total: number;
}

/**
 * "Do our answers name customers the billing provider knows?" for the setup page: answers and
 * skips of the mode that explain no cancellation and whose `customer_oid` is no customer of
 * any of the account's connections (disconnected ones included) in that mode. A common
 * install mistake (our own user id sent instead of the provider's customer id) shows here
 * instead of the answers being dropped. An account without a connection in the mode has
 * nothing to match against, so nothing is unmatched.
 */
export async function unmatchedAnswers(
  db: Database,
  options: { accountId: string; testMode: boolean; limit: number },
): Promise<UnmatchedAnswers> {
  const unmatched = db
    .selectFrom("events as e")
    .where("e.account_id", "=", options.accountId)
    .where("e.test_mode", "=", options.testMode)
    .where(sql<boolean>`e.kind in ('answer', 'skip')`)
    .where("e.install_check", "=", false)
    .where(({ exists, not, selectFrom }) =>
      not(
        exists(
          selectFrom("cancellation_answers as l")
            .select(sql`1`.as("one"))
            .whereRef("l.account_id", "=", "e.account_id")
            .whereRef("l.event_id", "=", "e.id"),
        ),
      ),
    )
    .where(({ exists, not, selectFrom }) =>
      not(
        exists(
          selectFrom("billing_customers as c")
            .select(sql`1`.as("one"))
            .whereRef("c.account_id", "=", "e.account_id")
            .whereRef("c.id", "=", "e.customer_oid")
            .whereRef("c.test_mode", "=", "e.test_mode"),
        ),
      ),
    )
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("billing_connections as b")
          .select(sql`1`.as("one"))
          .whereRef("b.account_id", "=", "e.account_id")
          .where("b.mode", "=", options.testMode ? "test" : "live"),
      ),
    );
  const [events, count] = await Promise.all([
    unmatched
      .selectAll("e")
      .orderBy("e.created_at", "desc")
      .orderBy("e.id", "desc")
      .limit(options.limit)
      .execute(),
    unmatched.select(sql<number>`count(*)::integer`.as("total")).executeTakeFirstOrThrow(),
  ]);
  return { events, total: Number(count.total) };
}

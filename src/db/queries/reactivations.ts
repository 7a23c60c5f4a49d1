import { sql } from "kysely";
import type { Database } from "../database.js";
import { type CancellationRange, instantsOf } from "./cancellation-range.js";
import { addMoney, largestFirst, type Money } from "./money.js";

export interface Reactivations {
  /** Cancellations cleared before they ended, in the range (by when they were cleared). */
  reactivations: number;
  /** The MRR they would have lost, per currency. */
  keptMrr: Money[];
}

/** "How many who set out to leave stayed?" */
export async function reactivations(
  db: Database,
  range: CancellationRange,
): Promise<Reactivations> {
  const [start, end] = instantsOf(range);
  let query = db.selectFrom("cancellations");
  if (range.testMode !== null) query = query.where("test_mode", "=", range.testMode);
  const rows = await query
    .select([
      "lost_mrr_currency",
      sql<number>`count(*)::integer`.as("count"),
      sql<string>`coalesce(sum(lost_mrr_amount), 0)::bigint`.as("amount"),
    ])
    .where("account_id", "=", range.accountId)
    .where("state", "=", "reactivated")
    .where("reactivated_at", ">=", start)
    .where("reactivated_at", "<", end)
    .groupBy("lost_mrr_currency")
    .execute();
  const keptMrr: Money[] = [];
  for (const row of rows) addMoney(keptMrr, row.lost_mrr_currency, Number(row.amount));
  return {
    reactivations: rows.reduce((sum, row) => sum + Number(row.count), 0),
    keptMrr: largestFirst(keptMrr),
  };
}

import type { SelectQueryBuilder } from "kysely";
import type { DB } from "../schema.js";

/** What the cancellation questions are asked about: an account, its live or test data, days. */
export interface CancellationRange {
  accountId: string;
  /** First day, `YYYY-MM-DD`, inclusive (UTC). */
  from: string;
  /** Last day, `YYYY-MM-DD`, inclusive (UTC). */
  to: string;
  /**
   * Live (false) or test (true) data; null sums both, only for the dashboard's "include test
   * data". Test data is never mixed into live numbers otherwise.
   */
  testMode: boolean | null;
}

const DAY_MS = 86_400_000;

/** The range's first instant and the instant after its last day. */
export function instantsOf(range: Pick<CancellationRange, "from" | "to">): [Date, Date] {
  const start = new Date(`${range.from}T00:00:00Z`);
  return [start, new Date(Date.parse(`${range.to}T00:00:00Z`) + DAY_MS)];
}

/** The account's cancellations of the range's mode requested in its days. */
export function requestedIn<O>(
  query: SelectQueryBuilder<DB, "cancellations", O>,
  range: CancellationRange,
): SelectQueryBuilder<DB, "cancellations", O> {
  const [start, end] = instantsOf(range);
  const inRange = query
    .where("cancellations.account_id", "=", range.accountId)
    .where("cancellations.requested_at", ">=", start)
    .where("cancellations.requested_at", "<", end);
  return range.testMode === null
    ? inRange
    : inRange.where("cancellations.test_mode", "=", range.testMode);
}

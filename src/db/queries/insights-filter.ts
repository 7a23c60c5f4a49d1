import type { SelectQueryBuilder } from "kysely";
import type { DB } from "../schema.js";

/** What every insights question is asked about: an account, a range of UTC days, filters. */
export interface InsightsFilter {
  accountId: string;
  /** First day, `YYYY-MM-DD`, inclusive. */
  from: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  to: string;
  includeTest?: boolean;
  reasonIds?: string[];
  plans?: string[];
}

const DAY_MS = 86_400_000;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The period of the same length right before the filter's. */
export function previousPeriod(filter: InsightsFilter): { from: string; to: string } {
  const length = daysBetween(filter.from, filter.to);
  return { from: addDays(filter.from, -length), to: addDays(filter.from, -1) };
}

/** Applies the account, test-data, reason and plan filters to a rollups query. */
export function filterRollups<O>(
  query: SelectQueryBuilder<DB, "event_rollups_daily", O>,
  filter: InsightsFilter,
): SelectQueryBuilder<DB, "event_rollups_daily", O> {
  let q = query.where("account_id", "=", filter.accountId);
  if (!filter.includeTest) q = q.where("test_mode", "=", false);
  if (filter.reasonIds?.length) q = q.where("reason_id", "in", filter.reasonIds);
  if (filter.plans?.length) q = q.where("plan", "in", filter.plans);
  return q;
}

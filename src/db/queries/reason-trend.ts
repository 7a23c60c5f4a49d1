import { sql } from "kysely";
import type { Database } from "../database.js";
import { filterRollups, type InsightsFilter } from "./insights-filter.js";

export type TrendInterval = "week" | "month";

export interface TrendPoint {
  /** First day of the week (Monday) or month, `YYYY-MM-DD`. */
  bucket: string;
  reasonId: string;
  answers: number;
  mrr: number;
}

/** Answers per reason per week or month: how the reasons move over time. */
export async function reasonTrend(
  db: Database,
  filter: InsightsFilter,
  interval: TrendInterval,
): Promise<TrendPoint[]> {
  const bucket = sql<string>`to_char(date_trunc(${interval}, day), 'YYYY-MM-DD')`;
  const rows = await filterRollups(
    db
      .selectFrom("event_rollups_daily")
      .select([
        bucket.as("bucket"),
        "reason_id",
        sql<number>`sum(events)::integer`.as("answers"),
        sql<number>`sum(mrr_amount)::bigint`.as("mrr"),
      ])
      .where("kind", "=", "answer")
      .where("day", ">=", filter.from)
      .where("day", "<=", filter.to),
    filter,
  )
    // By position: the bucket expression's parameter would not match the select's.
    .groupBy([sql`1`, "reason_id"])
    .orderBy("bucket")
    .orderBy("reason_id")
    .execute();
  return rows.map((r) => ({
    bucket: r.bucket,
    reasonId: r.reason_id,
    answers: Number(r.answers),
    mrr: Number(r.mrr),
  }));
}

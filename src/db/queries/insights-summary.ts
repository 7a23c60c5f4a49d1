import { sql } from "kysely";
import type { Database } from "../database.js";
import { createReasonsRepository } from "../repositories/reasons.js";
import { filterRollups, type InsightsFilter, previousPeriod } from "./insights-filter.js";
import { type LostMrrRow, lostMrrByReason } from "./lost-mrr-by-reason.js";
import { addMoney, largestFirst, type Money } from "./money.js";

export type { Money };

export interface PeriodTotals {
  /** Customers who went on to cancel: answers and skips. */
  cancellations: number;
  answers: number;
  skips: number;
  /** Closed the dialog and cancelled nothing. */
  dismissals: number;
  /** answers / cancellations, 0..1; null without cancellations. */
  coverage: number | null;
  /**
   * MRR lost, per currency, largest first: once per voluntary cancellation, and once per
   * customer for answers no cancellation explains (src/db/queries/lost-mrr-by-reason.ts).
   */
  lostMrr: Money[];
}

export interface ReasonInsight {
  reasonId: string;
  text: string;
  archived: boolean;
  answers: number;
  /** Share of the period's answers, 0..1. */
  share: number;
  lostMrr: Money[];
}

export interface InsightsSummary {
  previousPeriod: { from: string; to: string };
  current: PeriodTotals;
  previous: PeriodTotals;
  /** Ranked by answers, then by MRR. */
  reasons: ReasonInsight[];
}

interface Row {
  current: boolean;
  kind: string;
  reason_id: string;
  events: number;
}

function totals(rows: Row[], losses: LostMrrRow[]): PeriodTotals {
  const count = (kind: string) =>
    rows.filter((r) => r.kind === kind).reduce((sum, r) => sum + r.events, 0);
  const answers = count("answer");
  const skips = count("skip");
  const lostMrr: Money[] = [];
  for (const loss of losses) addMoney(lostMrr, loss.currency, loss.amount);
  const cancellations = answers + skips;
  return {
    cancellations,
    answers,
    skips,
    dismissals: count("dismissal"),
    coverage: cancellations === 0 ? null : answers / cancellations,
    lostMrr: largestFirst(lostMrr),
  };
}

/** "Why are customers leaving, and what does each reason cost?" for a period and the one before. */
export async function insightsSummary(
  db: Database,
  filter: InsightsFilter,
): Promise<InsightsSummary> {
  const previous = previousPeriod(filter);
  const lost = (range: { from: string; to: string }) =>
    lostMrrByReason(db, {
      ...range,
      accountId: filter.accountId,
      testMode: filter.includeTest ? null : false,
      reasonIds: filter.reasonIds,
      plans: filter.plans,
    });
  const [rows, reasons, currentLosses, previousLosses] = await Promise.all([
    filterRollups(
      db
        .selectFrom("event_rollups_daily")
        .select([
          sql<boolean>`day >= ${filter.from}::date`.as("current"),
          "kind",
          "reason_id",
          sql<number>`sum(events)::integer`.as("events"),
        ])
        .where("day", ">=", previous.from)
        .where("day", "<=", filter.to),
      filter,
    )
      // By position: the same expression with its own parameter would not match the select.
      .groupBy([sql`1`, "kind", "reason_id"])
      .execute(),
    createReasonsRepository(db).list(filter.accountId, { includeArchived: true }),
    lost(filter),
    lost(previous),
  ]);
  const typed = rows.map((r) => ({ ...r, events: Number(r.events) }));
  const current = typed.filter((r) => r.current);
  const currentTotals = totals(current, currentLosses);

  const byReason = new Map<string, ReasonInsight>();
  for (const reason of reasons) {
    byReason.set(reason.id, {
      reasonId: reason.id,
      text: reason.text,
      archived: reason.archived_at !== null,
      answers: 0,
      share: 0,
      lostMrr: [],
    });
  }
  for (const row of current) {
    const insight = row.kind === "answer" ? byReason.get(row.reason_id) : undefined;
    if (insight) insight.answers += row.events;
  }
  for (const loss of currentLosses) {
    const insight = loss.reasonId === null ? undefined : byReason.get(loss.reasonId);
    if (insight) addMoney(insight.lostMrr, loss.currency, loss.amount);
  }
  const ranked = [...byReason.values()]
    // Archived reasons appear only where they still have answers or losses in the period.
    .filter((r) => !r.archived || r.answers > 0 || r.lostMrr.length > 0)
    .map((r) => ({ ...r, share: currentTotals.answers ? r.answers / currentTotals.answers : 0 }))
    .sort(
      (a, b) => b.answers - a.answers || (b.lostMrr[0]?.amount ?? 0) - (a.lostMrr[0]?.amount ?? 0),
    );

  return {
    previousPeriod: previous,
    current: currentTotals,
    previous: totals(
      typed.filter((r) => !r.current),
      previousLosses,
    ),
    reasons: ranked,
  };
}

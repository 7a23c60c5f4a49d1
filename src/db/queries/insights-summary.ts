import { sql } from "kysely";
import type { Database } from "../database.js";
import { createReasonsRepository } from "../repositories/reasons.js";
import { filterRollups, type InsightsFilter, previousPeriod } from "./insights-filter.js";

export interface Money {
  amount: number;
  currency: string;
}

export interface PeriodTotals {
  /** Customers who went on to cancel: answers and skips. */
  cancellations: number;
  answers: number;
  skips: number;
  /** Closed the dialog and cancelled nothing. */
  dismissals: number;
  /** answers / cancellations, 0..1; null without cancellations. */
  coverage: number | null;
  /** MRR of the cancellations, per currency, largest first. */
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
  currency: string;
  events: number;
  mrr: number;
}

function addMoney(list: Money[], currency: string, amount: number): void {
  if (!currency || amount === 0) return;
  const entry = list.find((m) => m.currency === currency);
  if (entry) entry.amount += amount;
  else list.push({ currency, amount });
}

function totals(rows: Row[]): PeriodTotals {
  const count = (kind: string) =>
    rows.filter((r) => r.kind === kind).reduce((sum, r) => sum + r.events, 0);
  const answers = count("answer");
  const skips = count("skip");
  const lostMrr: Money[] = [];
  for (const r of rows) if (r.kind !== "dismissal") addMoney(lostMrr, r.currency, r.mrr);
  const cancellations = answers + skips;
  return {
    cancellations,
    answers,
    skips,
    dismissals: count("dismissal"),
    coverage: cancellations === 0 ? null : answers / cancellations,
    lostMrr: lostMrr.sort((a, b) => b.amount - a.amount),
  };
}

/** "Why are customers leaving, and what does each reason cost?" for a period and the one before. */
export async function insightsSummary(
  db: Database,
  filter: InsightsFilter,
): Promise<InsightsSummary> {
  const previous = previousPeriod(filter);
  const [rows, reasons] = await Promise.all([
    filterRollups(
      db
        .selectFrom("event_rollups_daily")
        .select([
          sql<boolean>`day >= ${filter.from}::date`.as("current"),
          "kind",
          "reason_id",
          "currency",
          sql<number>`sum(events)::integer`.as("events"),
          sql<number>`sum(mrr_amount)::bigint`.as("mrr"),
        ])
        .where("day", ">=", previous.from)
        .where("day", "<=", filter.to),
      filter,
    )
      // By position: the same expression with its own parameter would not match the select.
      .groupBy([sql`1`, "kind", "reason_id", "currency"])
      .execute(),
    createReasonsRepository(db).list(filter.accountId, { includeArchived: true }),
  ]);
  const typed = rows.map((r) => ({ ...r, events: Number(r.events), mrr: Number(r.mrr) }));
  const current = typed.filter((r) => r.current);
  const currentTotals = totals(current);

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
    if (!insight) continue;
    insight.answers += row.events;
    addMoney(insight.lostMrr, row.currency, row.mrr);
  }
  const ranked = [...byReason.values()]
    // Archived reasons appear only where they still have answers in the period.
    .filter((r) => !r.archived || r.answers > 0)
    .map((r) => ({ ...r, share: currentTotals.answers ? r.answers / currentTotals.answers : 0 }))
    .sort(
      (a, b) => b.answers - a.answers || (b.lostMrr[0]?.amount ?? 0) - (a.lostMrr[0]?.amount ?? 0),
    );

  return {
    previousPeriod: previous,
    current: currentTotals,
    previous: totals(typed.filter((r) => !r.current)),
    reasons: ranked,
  };
}

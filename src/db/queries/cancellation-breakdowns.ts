import { type RawBuilder, sql } from "kysely";
import type { Database } from "../database.js";
import type { CancellationPath, EventSource } from "../schema.js";
import { type CancellationRange, requestedIn } from "./cancellation-range.js";
import { addMoney, largestFirst, type Money } from "./money.js";

export interface BreakdownFilter extends CancellationRange {
  /** Only voluntary (true) or only involuntary (false) cancellations; both when left out. */
  voluntary?: boolean;
}

export interface BreakdownRow<K extends string> {
  key: K;
  cancellations: number;
  lostMrr: Money[];
}

/** Subscription age when its cancellation was requested, in whole calendar months. */
export type TenureBucket =
  | "under_1_month"
  | "1_to_3_months"
  | "3_to_6_months"
  | "6_to_12_months"
  | "12_months_or_more"
  | "unknown";

const TENURE_ORDER: TenureBucket[] = [
  "under_1_month",
  "1_to_3_months",
  "3_to_6_months",
  "6_to_12_months",
  "12_months_or_more",
  "unknown",
];

const AGE = sql`age(requested_at, subscription_created_at)`;
const MONTHS = sql`(extract(year from ${AGE}) * 12 + extract(month from ${AGE}))`;
const TENURE = sql<TenureBucket>`case
  when subscription_created_at is null then 'unknown'
  when ${MONTHS} < 1 then 'under_1_month'
  when ${MONTHS} < 3 then '1_to_3_months'
  when ${MONTHS} < 6 then '3_to_6_months'
  when ${MONTHS} < 12 then '6_to_12_months'
  else '12_months_or_more' end`;

/**
 * Cancellations that stand (reactivated ones are not churn) grouped by `key`: how many, and
 * their lost MRR per currency. Most cancellations first.
 */
async function breakdown<K extends string>(
  db: Database,
  filter: BreakdownFilter,
  key: RawBuilder<K>,
): Promise<BreakdownRow<K>[]> {
  let query = requestedIn(db.selectFrom("cancellations"), filter)
    .where("state", "<>", "reactivated")
    .select([
      key.as("key"),
      "lost_mrr_currency",
      sql<number>`count(*)::integer`.as("cancellations"),
      sql<string>`coalesce(sum(lost_mrr_amount), 0)::bigint`.as("amount"),
    ])
    // By position: the key is an expression.
    .groupBy([sql`1`, "lost_mrr_currency"]);
  if (filter.voluntary !== undefined) query = query.where("voluntary", "=", filter.voluntary);
  const rows = await query.execute();
  const byKey = new Map<K, BreakdownRow<K>>();
  for (const row of rows) {
    const key = row.key as K;
    const entry = byKey.get(key) ?? { key, cancellations: 0, lostMrr: [] };
    entry.cancellations += Number(row.cancellations);
    addMoney(entry.lostMrr, row.lost_mrr_currency, Number(row.amount));
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map((entry) => ({ ...entry, lostMrr: largestFirst(entry.lostMrr) }))
    .sort((a, b) => b.cancellations - a.cancellations || a.key.localeCompare(b.key));
}

/** "Where do cancellations happen?": our widget's customers in the portal, staff, failed payments. */
export function cancellationsByPath(
  db: Database,
  filter: BreakdownFilter,
): Promise<BreakdownRow<CancellationPath>[]> {
  return breakdown(db, filter, sql<CancellationPath>`path`);
}

/**
 * Where a cancellation started: through our widget or the REST API when an answer or skip of
 * that source is linked to it (the site then cancels at the provider, which sees its own API),
 * else the provider's path. Payment failures stay payment failures: no one chose them.
 */
export type CancellationEntry = CancellationPath | Exclude<EventSource, "email">;

const ENTRY = sql<CancellationEntry>`case when path = 'payment_failure' then path
  else coalesce((select e.source
    from cancellation_answers l
    join events e on e.account_id = l.account_id and e.id = l.event_id
    where l.cancellation_id = cancellations.id and e.kind in ('answer', 'skip')
      -- An answer from the reason email came after a cancellation made elsewhere.
      and e.source <> 'email'
    order by e.created_at desc, e.id desc
    limit 1), path) end`;

/** "How did customers cancel?": our widget, the REST API, or at the provider (by its path). */
export function cancellationsByEntry(
  db: Database,
  filter: BreakdownFilter,
): Promise<BreakdownRow<CancellationEntry>[]> {
  return breakdown(db, filter, ENTRY);
}

/** "Which plans lose customers?"; '' stands for an unknown plan. */
export function cancellationsByPlan(
  db: Database,
  filter: BreakdownFilter,
): Promise<BreakdownRow<string>[]> {
  return breakdown(db, filter, sql<string>`coalesce(plan, '')`);
}

/** "How long had they been customers?", youngest bucket first. */
export async function cancellationsByTenure(
  db: Database,
  filter: BreakdownFilter,
): Promise<BreakdownRow<TenureBucket>[]> {
  const rows = await breakdown(db, filter, TENURE);
  return rows.sort((a, b) => TENURE_ORDER.indexOf(a.key) - TENURE_ORDER.indexOf(b.key));
}

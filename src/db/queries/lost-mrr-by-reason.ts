import { type RawBuilder, sql } from "kysely";
import { effectiveReasonOf } from "../cancellation-reason.js";
import type { Database } from "../database.js";
import { type CancellationRange, instantsOf } from "./cancellation-range.js";

export interface LostMrrFilter extends Omit<CancellationRange, "testMode"> {
  /** Live (false) or test (true) data; null sums both, for the dashboard's "include test". */
  testMode: boolean | null;
  /** Only these reasons (the reason each loss is put down to). */
  reasonIds?: string[];
  /** Only losses on these plans. */
  plans?: string[];
}

export interface LostMrrRow {
  /** The reason the loss is put down to; null for "no answer". */
  reasonId: string | null;
  /** Null when the MRR of the losses is not known. */
  currency: string | null;
  /** Minor units, monthly. */
  amount: number;
  /** Cancellations, and customers of answers no cancellation explains: each counted once. */
  losses: number;
}

function sameMode(column: RawBuilder<unknown>, testMode: boolean | null) {
  return testMode === null ? sql`true` : sql`${column} = ${testMode}`;
}

/**
 * "What does each reason cost?", counted once per loss, never once per answer:
 * - each voluntary cancellation requested in the range and not reactivated, put down to its
 *   effective reason (the owner's correction, else the newest linked answer's, else the
 *   provider feedback's: src/db/cancellation-reason.ts), else to no answer;
 * - answers and skips no cancellation explains (a site without a provider sends MRR with
 *   them through the REST API) once per customer: the customer's newest in the range, with
 *   its own MRR. A customer who answers twice counts once.
 * Filters on reason and plan apply to what is counted, after that choice.
 */
export async function lostMrrByReason(db: Database, filter: LostMrrFilter): Promise<LostMrrRow[]> {
  const [start, end] = instantsOf(filter);
  const reasons = filter.reasonIds?.length
    ? sql`and reason_id in (${sql.join(filter.reasonIds)})`
    : sql``;
  const plans = filter.plans?.length ? sql`and plan in (${sql.join(filter.plans)})` : sql``;
  const result = await sql<{
    reason_id: string | null;
    currency: string | null;
    amount: string | number;
    losses: number;
  }>`
    with losses as (
      select c.lost_mrr_currency as currency, c.lost_mrr_amount as amount, c.plan,
        ${effectiveReasonOf("c")} as reason_id
      from cancellations c
      where c.account_id = ${filter.accountId} and ${sameMode(sql.ref("c.test_mode"), filter.testMode)}
        and c.voluntary and c.state <> 'reactivated'
        and c.requested_at >= ${start} and c.requested_at < ${end}
      union all
      select currency, amount, plan, reason_id from (
        select distinct on (e.customer_oid, e.test_mode)
          e.mrr_currency as currency, e.mrr_amount as amount, e.plan,
          case when e.kind = 'answer' then e.reason_id end as reason_id
        from events e
        where e.account_id = ${filter.accountId} and ${sameMode(sql.ref("e.test_mode"), filter.testMode)}
          and e.kind in ('answer', 'skip') and not e.install_check
          and e.created_at >= ${start} and e.created_at < ${end}
          and not exists (
            select from cancellation_answers l
            where l.account_id = e.account_id and l.event_id = e.id)
        order by e.customer_oid, e.test_mode, e.created_at desc, e.id desc
      ) newest_unexplained
    )
    select reason_id, currency, count(*)::integer as losses,
      coalesce(sum(amount), 0)::bigint as amount
    from losses
    where true ${reasons} ${plans}
    group by reason_id, currency
    order by reason_id, currency`.execute(db);
  return result.rows.map((r) => ({
    reasonId: r.reason_id,
    currency: r.currency,
    amount: Number(r.amount),
    losses: Number(r.losses),
  }));
}

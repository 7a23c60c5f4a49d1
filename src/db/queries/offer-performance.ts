import { sql } from "kysely";
import type { Database } from "../database.js";
import type { OfferKind } from "../schema.js";
import { addMoney, largestFirst, type Money } from "./money.js";

export interface OfferFigures {
  offerId: string;
  kind: OfferKind;
  /** Null once the offer was deleted (its accepts stay on record). */
  title: string | null;
  shown: number;
  accepted: number;
  failed: number;
  heldOut: number;
  pending: number;
  saved: number;
  lost: number;
  /** Of the saves, per currency. */
  savedMrr: Money[];
}

/**
 * "What did each offer do?" Counts of live (not test-mode) rows per offer: shown, applied,
 * failed, held out, and the applied ones by where their proof stands.
 */
export async function offerPerformance(db: Database, accountId: string): Promise<OfferFigures[]> {
  const rows = await db
    .selectFrom("offer_acceptances as a")
    .leftJoin("offers as o", (join) =>
      join.onRef("o.account_id", "=", "a.account_id").onRef("o.id", "=", "a.offer_id"),
    )
    .select([
      "a.offer_id",
      "a.offer_kind",
      "o.title",
      "a.saved_mrr_currency",
      sql<number>`count(*) filter (where a.result = 'shown')::integer`.as("shown"),
      sql<number>`count(*) filter (where a.result = 'applied')::integer`.as("accepted"),
      sql<number>`count(*) filter (where a.result = 'failed')::integer`.as("failed"),
      sql<number>`count(*) filter (where a.result = 'held_out')::integer`.as("held_out"),
      sql<number>`count(*) filter (where a.save_status = 'pending')::integer`.as("pending"),
      sql<number>`count(*) filter (where a.save_status = 'saved')::integer`.as("saved"),
      sql<number>`count(*) filter (where a.save_status = 'lost')::integer`.as("lost"),
      sql<string>`coalesce(sum(a.saved_mrr_amount) filter (where a.save_status = 'saved'), 0)::bigint`.as(
        "saved_mrr",
      ),
    ])
    .where("a.account_id", "=", accountId)
    .where("a.test_mode", "=", false)
    // One row per offer and currency of its saves (null for rows that saved nothing).
    .groupBy(["a.offer_id", "a.offer_kind", "o.title", "a.saved_mrr_currency"])
    .orderBy("a.offer_id")
    .execute();
  const byOffer = new Map<string, OfferFigures>();
  for (const row of rows) {
    let figures = byOffer.get(row.offer_id);
    if (!figures) {
      figures = {
        offerId: row.offer_id,
        kind: row.offer_kind,
        title: row.title,
        shown: 0,
        accepted: 0,
        failed: 0,
        heldOut: 0,
        pending: 0,
        saved: 0,
        lost: 0,
        savedMrr: [],
      };
      byOffer.set(row.offer_id, figures);
    }
    figures.shown += row.shown;
    figures.accepted += row.accepted;
    figures.failed += row.failed;
    figures.heldOut += row.held_out;
    figures.pending += row.pending;
    figures.saved += row.saved;
    figures.lost += row.lost;
    addMoney(figures.savedMrr, row.saved_mrr_currency, Number(row.saved_mrr));
  }
  for (const figures of byOffer.values()) largestFirst(figures.savedMrr);
  return [...byOffer.values()];
}

export interface RetentionGroups {
  treated: { n: number; retained: number };
  holdout: { n: number; retained: number };
}

/**
 * How far before an exposure a cancellation may be dated and still follow it: the provider's
 * clock and ours differ by seconds, and a customer shown an offer (or held out) had no
 * cancellation set (the eligibility rules see to it), so nothing earlier belongs to it.
 */
const CLOCK_SKEW = "10 minutes";

/**
 * "Of the customers shown an offer, and of those held out, how many stayed?" Each live
 * customer counts once, in the group of their first exposure, and only once `days` have
 * passed since it (by `now`): stayed means no cancellation requested within those days that
 * was not taken back (reactivated).
 */
export async function retentionGroups(
  db: Database,
  accountId: string,
  options: { days: number; now: Date },
): Promise<RetentionGroups> {
  const window = sql`${options.days}::integer * interval '1 day'`;
  const result = await sql<{ result: string; n: number; retained: number }>`
    with first_exposure as (
      select distinct on (customer_id) customer_id, result, created_at
      from offer_acceptances
      where account_id = ${accountId} and not test_mode and result in ('shown', 'held_out')
      order by customer_id, created_at
    )
    select f.result, count(*)::integer as n,
      (count(*) filter (where not exists (
        select from cancellations c
        where c.account_id = ${accountId} and c.customer_id = f.customer_id and not c.test_mode
          and c.state <> 'reactivated'
          and c.requested_at >= f.created_at - interval ${sql.lit(CLOCK_SKEW)}
          and c.requested_at < f.created_at + ${window}
      )))::integer as retained
    from first_exposure f
    where f.created_at + ${window} <= ${options.now}
    group by f.result`.execute(db);
  const group = (name: string) => {
    const row = result.rows.find((r) => r.result === name);
    return { n: row?.n ?? 0, retained: row?.retained ?? 0 };
  };
  return { treated: group("shown"), holdout: group("held_out") };
}

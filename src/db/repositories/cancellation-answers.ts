import { sql } from "kysely";
import type { Database } from "../database.js";
import type { Cancellation, CancellationAnswer, EventRow } from "../schema.js";

/** How far from a cancellation's request an answer naming no subscription may be, by default. */
export const DEFAULT_LINK_WINDOW_DAYS = 7;

const DAY_MS = 86_400_000;

/** A subscription an answer explains the cancellation of, as v1 events show it. */
export interface CancelledSubscription {
  id: string;
  mrr: { amount: number; currency: string } | null;
  plan: string | null;
}

type LinkableCancellation = Pick<
  Cancellation,
  "id" | "account_id" | "test_mode" | "subscription_id" | "customer_id" | "requested_at"
>;
function windowAround(at: Date | string, days: number): [Date, Date] {
  const time = new Date(at).getTime();
  return [new Date(time - days * DAY_MS), new Date(time + days * DAY_MS)];
}

/**
 * Links between widget answers and the cancellations they explain. Answers and skips link
 * (a skip is our record that the customer went on to cancel, and keeps its MRR from being
 * counted beside the cancellation's); reasons come from linked answers only. Dismissals
 * cancelled nothing and install checks stay out, as they do of every number. An answer
 * naming subscriptions links to those; one naming none, to its customer's cancellations
 * requested within the window. Linking again finds the links made and adds none.
 */
export function createCancellationAnswersRepository(db: Database) {
  /** The subscriptions each answer explains the cancellation of, oldest request first. */
  async function subscriptionsOf(
    accountId: string,
    eventIds: string[],
  ): Promise<Map<string, CancelledSubscription[]>> {
    const found = new Map<string, CancelledSubscription[]>();
    if (eventIds.length === 0) return found;
    const rows = await db
      .selectFrom("cancellation_answers as l")
      .innerJoin("cancellations as c", "c.id", "l.cancellation_id")
      .select([
        "l.event_id",
        "c.subscription_id",
        "c.lost_mrr_amount",
        "c.lost_mrr_currency",
        "c.plan",
      ])
      .where("l.account_id", "=", accountId)
      .where("l.event_id", "in", eventIds)
      .orderBy("c.requested_at")
      .orderBy("c.id")
      .execute();
    for (const row of rows) {
      const list = found.get(row.event_id) ?? [];
      list.push({
        id: row.subscription_id,
        mrr:
          row.lost_mrr_amount === null || row.lost_mrr_currency === null
            ? null
            : { amount: Number(row.lost_mrr_amount), currency: row.lost_mrr_currency },
        plan: row.plan,
      });
      found.set(row.event_id, list);
    }
    return found;
  }

  return {
    /** Links a cancellation to the answers that explain it; returns the links made now. */
    async linkAnswers(
      cancellation: LinkableCancellation,
      windowDays: number,
    ): Promise<CancellationAnswer[]> {
      const [from, to] = windowAround(cancellation.requested_at, windowDays);
      const answers = db
        .selectFrom("events")
        .where("account_id", "=", cancellation.account_id)
        .where("test_mode", "=", cancellation.test_mode)
        // Spelled as the partial indexes are (migration 0015), so the planner can use them.
        .where(sql<boolean>`kind in ('answer', 'skip')`)
        .where("install_check", "=", false);
      const named = answers
        .select(["id", sql<string>`'subscription_oid'`.as("linked_by")])
        .where(sql<boolean>`subscription_oids <> '{}'`)
        .where(sql<boolean>`subscription_oids @> array[${cancellation.subscription_id}]::text[]`);
      const near = answers
        .select(["id", sql<string>`'window'`.as("linked_by")])
        .where(sql<boolean>`subscription_oids = '{}'`)
        .where("customer_oid", "=", cancellation.customer_id)
        .where("created_at", ">=", from)
        .where("created_at", "<=", to);
      const result = await sql<CancellationAnswer>`
        insert into cancellation_answers (cancellation_id, event_id, account_id, linked_by)
        select ${cancellation.id}, found.id, ${cancellation.account_id}, found.linked_by
        from (${named.unionAll(near)}) found
        on conflict do nothing
        returning *`.execute(db);
      return result.rows;
    },

    /**
     * The other way, for answers just stored (a whole ingest batch): each linked to the
     * cancellations recorded before it, by the rules above, and given their MRR and plan
     * where it has none and they agree (one currency summed, one plan). One statement for
     * the batch, atomic by itself: the events are read back by id, so dismissals and install
     * checks (claimed after the insert) are left out here. Returns the links made now.
     */
    async linkCancellations(
      events: ReadonlyArray<Pick<EventRow, "id" | "account_id">>,
      windowDays: number,
    ): Promise<CancellationAnswer[]> {
      if (events.length === 0) return [];
      const windowSeconds = windowDays * (DAY_MS / 1000);
      const result = await sql<CancellationAnswer>`
        with batch as (
          select e.id, e.account_id, e.test_mode, e.customer_oid, e.subscription_oids,
            e.created_at
          from unnest(${events.map((e) => e.account_id)}::text[], ${events.map((e) => e.id)}::text[])
            as b(account_id, id)
          join events e on e.account_id = b.account_id and e.id = b.id
          where e.kind in ('answer', 'skip') and not e.install_check
        ),
        matched as (
          select c.id as cancellation_id, b.id as event_id, b.account_id,
            'subscription_oid' as linked_by, c.lost_mrr_amount, c.lost_mrr_currency, c.plan
          from batch b
          join cancellations c on c.account_id = b.account_id and c.test_mode = b.test_mode
            and c.subscription_id = any(b.subscription_oids)
          where b.subscription_oids <> '{}'
          union all
          select c.id, b.id, b.account_id, 'window', c.lost_mrr_amount, c.lost_mrr_currency,
            c.plan
          from batch b
          join cancellations c on c.account_id = b.account_id and c.test_mode = b.test_mode
            and c.customer_id = b.customer_oid
            and c.requested_at >= b.created_at - ${windowSeconds} * interval '1 second'
            and c.requested_at <= b.created_at + ${windowSeconds} * interval '1 second'
          where b.subscription_oids = '{}'
        ),
        made as (
          insert into cancellation_answers (cancellation_id, event_id, account_id, linked_by)
          select cancellation_id, event_id, account_id, linked_by from matched
          on conflict do nothing
          returning *
        ),
        -- Over every cancellation the answer explains, not only those linked now: the rules
        -- are the same both ways, so matched holds the links made earlier too.
        found as (
          select event_id, account_id, sum(lost_mrr_amount) as amount,
            min(lost_mrr_currency) as currency,
            count(distinct lost_mrr_currency) as currencies,
            count(lost_mrr_amount) = count(*) as all_known,
            min(plan) as plan, count(distinct plan) as plans
          from matched
          group by event_id, account_id
        ),
        filled as (
          update events set
            mrr_amount = case when events.mrr_amount is null and found.all_known
              and found.currencies = 1 then found.amount else events.mrr_amount end,
            mrr_currency = case when events.mrr_amount is null and found.all_known
              and found.currencies = 1 then found.currency else events.mrr_currency end,
            plan = case when events.plan is null and found.plans = 1 then found.plan
              else events.plan end
          from found
          where events.account_id = found.account_id and events.id = found.event_id
            and (events.mrr_amount is null or events.plan is null)
          returning events.id
        )
        select * from made`.execute(db);
      return result.rows;
    },

    /**
     * Each event of a stream with the subscriptions it explains the cancellation of, looked
     * up a batch at a time (exports: a query per batch, not per event).
     */
    async *withSubscriptions(
      accountId: string,
      events: AsyncIterable<EventRow>,
      batchSize = 500,
    ): AsyncGenerator<[EventRow, CancelledSubscription[]]> {
      let batch: EventRow[] = [];
      const flush = async () => {
        const found = await subscriptionsOf(
          accountId,
          batch.map((e) => e.id),
        );
        const paired = batch.map((e): [EventRow, CancelledSubscription[]] => [
          e,
          found.get(e.id) ?? [],
        ]);
        batch = [];
        return paired;
      };
      for await (const event of events) {
        batch.push(event);
        if (batch.length >= batchSize) yield* await flush();
      }
      if (batch.length) yield* await flush();
    },

    subscriptionsOf,

    /**
     * Gives the answers linked to a cancellation its lost MRR and plan where they have none.
     * Returns the answers that had no MRR and have it now (worth a `cancellation.updated`).
     */
    async fillAnswers(accountId: string, cancellationId: string): Promise<string[]> {
      const filled = await sql<{ id: string; mrr_arrived: boolean }>`
        with target as (
          select e.id, e.mrr_amount is null and c.lost_mrr_amount is not null as mrr_arrived,
            c.lost_mrr_amount, c.lost_mrr_currency, c.plan
          from cancellation_answers l
          join cancellations c on c.id = l.cancellation_id
          join events e on e.account_id = l.account_id and e.id = l.event_id
          where l.account_id = ${accountId} and l.cancellation_id = ${cancellationId}
            and ((e.mrr_amount is null and c.lost_mrr_amount is not null)
              or (e.plan is null and c.plan is not null))
          for update of e
        )
        update events set
          mrr_amount = case when target.mrr_arrived then target.lost_mrr_amount else events.mrr_amount end,
          mrr_currency = case when target.mrr_arrived then target.lost_mrr_currency else events.mrr_currency end,
          plan = coalesce(events.plan, target.plan)
        from target
        where events.account_id = ${accountId} and events.id = target.id
        returning events.id, target.mrr_arrived`.execute(db);
      return filled.rows.filter((row) => row.mrr_arrived).map((row) => row.id);
    },
  };
}

export type CancellationAnswersRepository = ReturnType<typeof createCancellationAnswersRepository>;

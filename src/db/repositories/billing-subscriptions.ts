import { sql } from "kysely";
import type { Database } from "../database.js";
import type { BillingSubscriptionRow } from "../schema.js";
import { inTransaction } from "../transaction.js";
import {
  columnsOf,
  NOT_OLDER,
  newestOfEachId,
  REPLACED,
  type SubscriptionSnapshot,
} from "./subscription-snapshot.js";

export type { SubscriptionSnapshot };

export interface AppliedSnapshot {
  /** The stored state before; null when the subscription was new here. */
  previous: BillingSubscriptionRow | null;
  /** The stored state after: the snapshot's when applied, else still the previous one. */
  current: BillingSubscriptionRow;
  applied: boolean;
}

export interface MrrTotal {
  currency: string;
  mrr_amount: number;
  /** Subscriptions bringing revenue now. */
  subscriptions: number;
}

export function createBillingSubscriptionsRepository(db: Database) {
  /** Inserts, or replaces what is stored where the guard lets it. */
  const upsert = (q: Database, rows: readonly SubscriptionSnapshot[]) =>
    q
      .insertInto("billing_subscriptions")
      .values(newestOfEachId(rows).map(columnsOf))
      .onConflict((oc) =>
        oc
          .columns(["connection_id", "id"])
          .doUpdateSet((eb) => ({
            ...Object.fromEntries(REPLACED.map((column) => [column, eb.ref(`excluded.${column}`)])),
            synced_at: sql<Date>`now()`,
          }))
          .where(NOT_OLDER),
      );
  const lockRow = (q: Database, { connection_id, id }: SubscriptionSnapshot) =>
    q
      .selectFrom("billing_subscriptions")
      .selectAll()
      .where("connection_id", "=", connection_id)
      .where("id", "=", id)
      .forUpdate()
      .executeTakeFirst();
  /** Of the account's active connections: a disconnected one's rows are history, not now. */
  const current = (accountId: string, testMode: boolean) =>
    db
      .selectFrom("billing_subscriptions as s")
      .innerJoin("billing_connections as c", "c.id", "s.connection_id")
      .where("c.status", "=", "active")
      .where("s.account_id", "=", accountId)
      .where("s.test_mode", "=", testMode);

  return {
    /** A backfill page in one statement; a row older than the stored one is left out. */
    async upsertMany(rows: readonly SubscriptionSnapshot[]): Promise<number> {
      if (rows.length === 0) return 0;
      const result = await upsert(db, rows).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    /**
     * One snapshot (an event's, or a fetch after one), applied unless older than the stored
     * state, with that state before and after. The row is locked (FOR UPDATE) until the
     * transaction ends, the caller's when there is one: two workers on one subscription take
     * turns, and each sees the other's result as its `previous`.
     */
    apply(snapshot: SubscriptionSnapshot): Promise<AppliedSnapshot> {
      return inTransaction(db, async (trx) => {
        let previous = await lockRow(trx, snapshot);
        if (!previous) {
          const inserted = await trx
            .insertInto("billing_subscriptions")
            .values(columnsOf(snapshot))
            .onConflict((oc) => oc.doNothing())
            .returningAll()
            .executeTakeFirst();
          if (inserted) return { previous: null, current: inserted, applied: true };
          // Another transaction stored it meanwhile; it has committed, so it can be locked.
          previous = (await lockRow(trx, snapshot)) as BillingSubscriptionRow;
        }
        const stored = await upsert(trx, [snapshot]).returningAll().executeTakeFirst();
        return stored
          ? { previous, current: stored, applied: true }
          : { previous, current: previous, applied: false };
      });
    },

    get(
      accountId: string,
      connectionId: string,
      id: string,
    ): Promise<BillingSubscriptionRow | undefined> {
      return db
        .selectFrom("billing_subscriptions")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("connection_id", "=", connectionId)
        .where("id", "=", id)
        .executeTakeFirst();
    },

    /** The stored state of some subscriptions of a connection (a backfill page's). */
    getMany(connectionId: string, ids: readonly string[]): Promise<BillingSubscriptionRow[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return db
        .selectFrom("billing_subscriptions")
        .selectAll()
        .where("connection_id", "=", connectionId)
        .where("id", "in", [...ids])
        .execute();
    },

    /** The customer's subscriptions now, newest first. */
    listForCustomer(
      accountId: string,
      customerId: string,
      testMode: boolean,
    ): Promise<BillingSubscriptionRow[]> {
      return current(accountId, testMode)
        .selectAll("s")
        .where("s.customer_id", "=", customerId)
        .orderBy("s.created", "desc")
        .orderBy("s.id")
        .execute();
    },

    /** MRR now, per currency (never summed across currencies). */
    mrrTotals(accountId: string, testMode: boolean): Promise<MrrTotal[]> {
      return current(accountId, testMode)
        .select((eb) => [
          "s.currency",
          sql<number>`coalesce(sum(s.mrr_amount), 0)::bigint`.as("mrr_amount"),
          eb.fn.countAll<number>().filterWhere("s.mrr_amount", ">", 0).as("subscriptions"),
        ])
        .groupBy("s.currency")
        .orderBy("s.currency")
        .execute()
        .then((rows) => rows.map((row) => ({ ...row, subscriptions: Number(row.subscriptions) })));
    },
  };
}

export type BillingSubscriptionsRepository = ReturnType<
  typeof createBillingSubscriptionsRepository
>;

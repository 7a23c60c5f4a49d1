import { sql } from "kysely";
import {
  answerReasonOf,
  effectiveReasonOf,
  type ReasonSource,
  reasonSourceOf,
} from "../cancellation-reason.js";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { newId } from "../ids.js";
import { decodeKeysetCursor, encodeKeysetCursor } from "../keyset-cursor.js";
import type {
  Cancellation,
  CancellationPath,
  CancellationState,
  CancellationTiming,
} from "../schema.js";
import { inTransaction } from "../transaction.js";

/** The reason a cancellation is put down to (src/db/cancellation-reason.ts). */
export interface EffectiveReason {
  id: string;
  reason_id: string | null;
  reason_source: ReasonSource | null;
  /** The newest linked answer's reason, whether it counts or not. */
  answer_reason_id: string | null;
}

/** A subscription of an account, as the provider names it. */
export interface SubscriptionKey {
  account_id: string;
  /** Null for a cancellation known only from the REST API. */
  connection_id: string | null;
  subscription_id: string;
}

/** What the sync knows of a cancellation each time it sees one (a webhook, a backfill page). */
export interface RecordCancellation extends SubscriptionKey {
  customer_id: string;
  test_mode: boolean;
  path: CancellationPath;
  timing: CancellationTiming;
  state: Exclude<CancellationState, "reactivated">;
  requested_at: Date;
  ends_at?: Date | null;
  ended_at?: Date | null;
  subscription_created_at?: Date | null;
  /** MRR from before the change, monthly, minor units. */
  lost_mrr?: { amount: number; currency: string } | null;
  plan?: string | null;
  provider_reason?: string | null;
  provider_feedback?: string | null;
  /** Customer text: stored, never logged. */
  provider_comment?: string | null;
  /** The account's reason the provider's feedback maps to. */
  reason_id?: string | null;
}

export interface RecordedCancellation {
  cancellation: Cancellation;
  created: boolean;
  /** Lost MRR arrived now for a cancellation that had none: worth a `cancellation.updated`. */
  mrrFilled: boolean;
}

export interface CancellationFilter {
  path?: CancellationPath;
  state?: CancellationState;
  voluntary?: boolean;
  testMode?: boolean;
  /** `YYYY-MM-DD`, inclusive (UTC), of requested_at. */
  from?: string;
  to?: string;
}

const DAY_MS = 86_400_000;

/** Bigint comes back as text from Postgres: money is handled as numbers of minor units. */
function typed(row: Cancellation): Cancellation {
  return {
    ...row,
    lost_mrr_amount: row.lost_mrr_amount === null ? null : Number(row.lost_mrr_amount),
  };
}

type LaterFields = Omit<
  Cancellation,
  "id" | "account_id" | "connection_id" | "subscription_id" | "created_at" | "updated_at"
>;

/** The columns a later sighting changes, with the rules of which value wins. */
function laterValues(open: Cancellation, input: RecordCancellation): Partial<LaterFields> {
  // Ended is final: a late "scheduled" (an older event) does not reopen it, nor move its end.
  const stale = open.state === "ended" && input.state === "scheduled";
  const state = open.state === "ended" ? "ended" : input.state;
  const fillMrr = open.lost_mrr_amount === null && input.lost_mrr;
  const next: Partial<LaterFields> = {
    timing: stale ? open.timing : input.timing,
    state,
    ends_at: stale ? open.ends_at : (input.ends_at ?? open.ends_at),
    ended_at:
      state === "ended"
        ? (open.ended_at ?? input.ended_at ?? input.ends_at ?? new Date())
        : open.ended_at,
    // First values win where the sync passes the state from before the change.
    lost_mrr_amount: fillMrr ? input.lost_mrr?.amount : open.lost_mrr_amount,
    lost_mrr_currency: fillMrr ? input.lost_mrr?.currency : open.lost_mrr_currency,
    plan: open.plan ?? input.plan ?? null,
    subscription_created_at: open.subscription_created_at ?? input.subscription_created_at ?? null,
    provider_reason: input.provider_reason ?? open.provider_reason,
    provider_feedback: input.provider_feedback ?? open.provider_feedback,
    provider_comment: input.provider_comment ?? open.provider_comment,
    // The owner may have chosen another reason: the mapping fills it only while empty.
    reason_id: open.reason_id ?? input.reason_id ?? null,
  };
  const same = (a: unknown, b: unknown) =>
    a instanceof Date || b instanceof Date
      ? a !== null && b !== null && new Date(a as Date).getTime() === new Date(b as Date).getTime()
      : a === b;
  return Object.fromEntries(
    Object.entries(next).filter(([key, value]) => !same(value, open[key as keyof Cancellation])),
  );
}

export function createCancellationsRepository(db: Database) {
  const openOf = (trx: Database, key: SubscriptionKey) =>
    trx
      .selectFrom("cancellations")
      .selectAll()
      .where("account_id", "=", key.account_id)
      .where(sql<string>`coalesce(connection_id, '')`, "=", key.connection_id ?? "")
      .where("subscription_id", "=", key.subscription_id)
      .where("state", "<>", "reactivated");

  async function checkReason(trx: Database, accountId: string, reasonId: string | null) {
    if (reasonId === null) return;
    const reason = await trx
      .selectFrom("reasons")
      .select("id")
      .where("account_id", "=", accountId)
      .where("id", "=", reasonId)
      .executeTakeFirst();
    if (!reason) {
      throw new DomainError("unknown_reason", "reason_id is not one of this account's reasons.");
    }
  }

  async function effectiveReason(
    trx: Database,
    accountId: string,
    id: string,
    lock: boolean,
  ): Promise<EffectiveReason | undefined> {
    let query = trx
      .selectFrom("cancellations as c")
      .select([
        "c.id",
        effectiveReasonOf("c").as("reason_id"),
        reasonSourceOf("c").as("reason_source"),
        answerReasonOf("c").as("answer_reason_id"),
      ])
      .where("c.account_id", "=", accountId)
      .where("c.id", "=", id);
    // Taken before a change, so that two at once see each other's result.
    if (lock) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  return {
    /**
     * Creates or updates the open cancellation of a subscription. Path, requested_at, plan
     * and lost MRR keep their first values (MRR is filled once while it is missing); timing,
     * ends_at and the provider's words take the latest; scheduled becomes ended, never back.
     */
    record(input: RecordCancellation): Promise<RecordedCancellation> {
      return inTransaction(db, async (trx) => {
        await checkReason(trx, input.account_id, input.reason_id ?? null);
        // Two sightings at once (a webhook and a catch-up): the loser of the insert finds
        // the winner's row on its next look, under the unique index cancellations_open.
        for (let attempt = 0; attempt < 3; attempt++) {
          const open = await openOf(trx, input).forUpdate().executeTakeFirst();
          if (open) {
            const current = typed(open);
            const changes = laterValues(current, input);
            if (Object.keys(changes).length === 0) {
              return { cancellation: current, created: false, mrrFilled: false };
            }
            const updated = await trx
              .updateTable("cancellations")
              .set({ ...changes, updated_at: sql`now()` })
              .where("id", "=", open.id)
              .returningAll()
              .executeTakeFirstOrThrow();
            const mrrFilled = current.lost_mrr_amount === null && updated.lost_mrr_amount !== null;
            return { cancellation: typed(updated), created: false, mrrFilled };
          }
          const inserted = await trx
            .insertInto("cancellations")
            .values({
              id: newId("can"),
              account_id: input.account_id,
              connection_id: input.connection_id,
              subscription_id: input.subscription_id,
              customer_id: input.customer_id,
              test_mode: input.test_mode,
              path: input.path,
              timing: input.timing,
              voluntary: input.path !== "payment_failure",
              state: input.state,
              requested_at: input.requested_at,
              ends_at: input.ends_at ?? null,
              ended_at:
                input.state === "ended" ? (input.ended_at ?? input.ends_at ?? new Date()) : null,
              subscription_created_at: input.subscription_created_at ?? null,
              lost_mrr_amount: input.lost_mrr?.amount ?? null,
              lost_mrr_currency: input.lost_mrr?.currency ?? null,
              plan: input.plan ?? null,
              provider_reason: input.provider_reason ?? null,
              provider_feedback: input.provider_feedback ?? null,
              provider_comment: input.provider_comment ?? null,
              reason_id: input.reason_id ?? null,
            })
            .onConflict((oc) => oc.doNothing())
            .returningAll()
            .executeTakeFirst();
          if (inserted) return { cancellation: typed(inserted), created: true, mrrFilled: false };
        }
        throw new Error("The open cancellation of a subscription could not be found or made.");
      });
    },

    /**
     * A scheduled cancellation cleared before it ended (cancel at period end turned off):
     * not churn. An ended one stays ended; undefined when there is nothing to reactivate.
     */
    async reactivate(key: SubscriptionKey, at = new Date()): Promise<Cancellation | undefined> {
      const row = await db
        .updateTable("cancellations")
        .set({ state: "reactivated", reactivated_at: at, updated_at: sql`now()` })
        .where("account_id", "=", key.account_id)
        .where(sql<string>`coalesce(connection_id, '')`, "=", key.connection_id ?? "")
        .where("subscription_id", "=", key.subscription_id)
        .where("state", "=", "scheduled")
        .returningAll()
        .executeTakeFirst();
      return row && typed(row);
    },

    /**
     * The owner's correction of the reason (null: none, the answer's or the provider's
     * counts again); undefined when there is no such record. With the effective reason
     * before and after, read in the same transaction.
     */
    setReason(
      accountId: string,
      id: string,
      reasonId: string | null,
    ): Promise<{ before: EffectiveReason; after: EffectiveReason } | undefined> {
      return inTransaction(db, async (trx) => {
        await checkReason(trx, accountId, reasonId);
        const before = await effectiveReason(trx, accountId, id, true);
        if (!before) return undefined;
        await trx
          .updateTable("cancellations")
          .set({ owner_reason_id: reasonId, updated_at: sql`now()` })
          .where("account_id", "=", accountId)
          .where("id", "=", id)
          .execute();
        const after = await effectiveReason(trx, accountId, id, false);
        return after && { before, after };
      });
    },

    /** The reason a cancellation is put down to now, and whose it is. */
    effectiveReason: (accountId: string, id: string) => effectiveReason(db, accountId, id, false),

    async get(accountId: string, id: string): Promise<Cancellation | undefined> {
      const row = await db
        .selectFrom("cancellations")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
      return row && typed(row);
    },

    /** A page of an account's cancellations, newest request first. */
    async list(
      accountId: string,
      filter: CancellationFilter,
      page: { limit: number; cursor?: string | null },
    ): Promise<{ cancellations: Cancellation[]; nextCursor: string | null }> {
      let query = db.selectFrom("cancellations").selectAll().where("account_id", "=", accountId);
      if (filter.path) query = query.where("path", "=", filter.path);
      if (filter.state) query = query.where("state", "=", filter.state);
      if (filter.voluntary !== undefined) query = query.where("voluntary", "=", filter.voluntary);
      if (filter.testMode !== undefined) query = query.where("test_mode", "=", filter.testMode);
      if (filter.from) {
        query = query.where("requested_at", ">=", new Date(`${filter.from}T00:00:00Z`));
      }
      if (filter.to) {
        const end = new Date(Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS);
        query = query.where("requested_at", "<", end);
      }
      const after = page.cursor ? decodeKeysetCursor(page.cursor) : null;
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb("requested_at", "<", after.at),
            eb.and([eb("requested_at", "=", after.at), eb("id", "<", after.id)]),
          ]),
        );
      }
      const rows = await query
        .orderBy("requested_at", "desc")
        .orderBy("id", "desc")
        .limit(page.limit + 1)
        .execute();
      const cancellations = rows.slice(0, page.limit).map(typed);
      const last = cancellations.at(-1);
      const more = rows.length > page.limit && last;
      return {
        cancellations,
        nextCursor: more ? encodeKeysetCursor(last.requested_at, last.id) : null,
      };
    },
  };
}

export type CancellationsRepository = ReturnType<typeof createCancellationsRepository>;

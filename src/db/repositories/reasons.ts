import { sql } from "kysely";
import type { Database } from "../database.js";
import { newId } from "../ids.js";
import type { Reason } from "../schema.js";

export interface ReasonWithTotal extends Reason {
  /** Live answers ever given with this reason (test data and install checks left out). */
  answers_total: number;
}

export function createReasonsRepository(db: Database) {
  function list(accountId: string, options: { includeArchived?: boolean } = {}) {
    let query = db.selectFrom("reasons").selectAll().where("account_id", "=", accountId);
    if (!options.includeArchived) query = query.where("archived_at", "is", null);
    return query.orderBy("sort_key").orderBy("created_at").orderBy("id").execute();
  }

  return {
    /** Reasons in display order; archived ones only when asked for (history, validation). */
    list,

    /** Every reason with its answer count, from the rollups rather than a million events. */
    async listWithTotals(accountId: string): Promise<ReasonWithTotal[]> {
      const [reasons, totals] = await Promise.all([
        list(accountId, { includeArchived: true }),
        db
          .selectFrom("event_rollups_daily")
          .select(["reason_id", sql<number>`sum(events)::integer`.as("answers")])
          .where("account_id", "=", accountId)
          .where("kind", "=", "answer")
          .where("test_mode", "=", false)
          .groupBy("reason_id")
          .execute(),
      ]);
      const byId = new Map(totals.map((t) => [t.reason_id, Number(t.answers)]));
      // Active reasons in their order first, then the archived ones.
      const active = reasons.filter((r) => r.archived_at === null);
      const archived = reasons.filter((r) => r.archived_at !== null);
      return [...active, ...archived].map((r) => ({ ...r, answers_total: byId.get(r.id) ?? 0 }));
    },

    find(accountId: string, id: string): Promise<Reason | undefined> {
      return db
        .selectFrom("reasons")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
    },

    /** A new reason at `sortKey`, or at the end of the list. */
    async create(accountId: string, text: string, sortKey?: number): Promise<Reason> {
      return db
        .insertInto("reasons")
        .values((eb) => ({
          account_id: accountId,
          id: newId("rsn"),
          text,
          sort_key:
            sortKey ??
            eb
              .selectFrom("reasons")
              .select(sql<number>`coalesce(max(sort_key), 0) + 10`.as("next"))
              .where("account_id", "=", accountId),
        }))
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /**
     * Renames (past events keep the text they were given under), moves, or archives /
     * restores.
     */
    update(
      accountId: string,
      id: string,
      changes: { text?: string; sortKey?: number; archived?: boolean },
    ): Promise<Reason | undefined> {
      return db
        .updateTable("reasons")
        .set({
          ...(changes.text === undefined ? {} : { text: changes.text }),
          ...(changes.sortKey === undefined ? {} : { sort_key: changes.sortKey }),
          ...(changes.archived === undefined
            ? {}
            : { archived_at: changes.archived ? new Date() : null }),
          updated_at: sql`now()`,
        })
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
    },

    /** Puts the active reasons in the order of `ids`, which must name each of them once. */
    async reorder(accountId: string, ids: string[]): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const active = await trx
          .selectFrom("reasons")
          .select("id")
          .where("account_id", "=", accountId)
          .where("archived_at", "is", null)
          .forUpdate()
          .execute();
        const known = new Set(active.map((r) => r.id));
        if (ids.length !== known.size || new Set(ids).size !== ids.length) return false;
        if (!ids.every((id) => known.has(id))) return false;
        for (const [index, id] of ids.entries()) {
          await trx
            .updateTable("reasons")
            .set({ sort_key: (index + 1) * 10, updated_at: sql`now()` })
            .where("account_id", "=", accountId)
            .where("id", "=", id)
            .execute();
        }
        return true;
      });
    },
  };
}

export type ReasonsRepository = ReturnType<typeof createReasonsRepository>;

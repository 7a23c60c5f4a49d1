import { sql } from "kysely";
import type { Database } from "../database.js";
import type { EventRow, NewEvent } from "../schema.js";

type Executor = Database;

export function createEventsRepository(db: Database) {
  return {
    /** Inserts what is new; rows whose idempotency key exists already are skipped. */
    insertNew(rows: NewEvent[], trx: Executor = db): Promise<EventRow[]> {
      return trx
        .insertInto("events")
        .values(rows)
        .onConflict((oc) => oc.columns(["account_id", "idempotency_key"]).doNothing())
        .returningAll()
        .execute();
    },

    findByIdempotencyKeys(
      accountIds: string[],
      keys: string[],
      trx: Executor = db,
    ): Promise<EventRow[]> {
      return trx
        .selectFrom("events")
        .selectAll()
        .where("account_id", "in", accountIds)
        .where("idempotency_key", "in", keys)
        .execute();
    },

    /**
     * Makes `eventId` the account's install check if the account has none yet. One
     * statement: the conditional update takes the account's row lock, so concurrent
     * writers (and other processes) agree on a single first event.
     */
    async claimInstallCheck(accountId: string, eventId: string, trx: Executor = db) {
      const result = await sql<{ id: string }>`
        with claimed as (
          update accounts set install_verified_at = now(), install_event_id = ${eventId}
          where id = ${accountId} and install_event_id is null
          returning id
        )
        update events set install_check = true
        where account_id = ${accountId} and id = ${eventId} and exists (select 1 from claimed)
        returning id`.execute(trx);
      return result.rows.length > 0;
    },

    /** Every event of an account in creation order, a page at a time (keyset paging). */
    async *iterate(
      accountId: string,
      options: { includeTest?: boolean; pageSize?: number } = {},
    ): AsyncGenerator<EventRow> {
      const pageSize = options.pageSize ?? 1000;
      let after: { created_at: Date; id: string } | undefined;
      for (;;) {
        let query = db.selectFrom("events").selectAll().where("account_id", "=", accountId);
        if (!options.includeTest) query = query.where("test_mode", "=", false);
        if (after) {
          const { created_at, id } = after;
          query = query.where((eb) =>
            eb.or([
              eb("created_at", ">", created_at),
              eb.and([eb("created_at", "=", created_at), eb("id", ">", id)]),
            ]),
          );
        }
        const page = await query.orderBy("created_at").orderBy("id").limit(pageSize).execute();
        yield* page;
        const last = page.at(-1);
        if (!last || page.length < pageSize) return;
        after = last;
      }
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;

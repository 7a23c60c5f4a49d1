import { sql } from "kysely";
import type { Database } from "../database.js";

/** A reply stored under an Idempotency-Key. */
export interface StoredReply {
  requestHash: string;
  status: number;
  body: unknown;
}

/** How long a key is remembered: a retry comes within minutes, a day is generous. */
const KEPT_FOR = sql`interval '24 hours'`;

/**
 * Keys and the replies they stand for. Meant to run inside the transaction that does the
 * work: `claim` then inserts a row other transactions with the same key wait on, and
 * `remember` fills it in before the commit, so a key is never seen half done.
 */
export function createIdempotencyKeysRepository(db: Database) {
  return {
    /**
     * Takes `key` for this request; when the key was taken already (in the last day),
     * returns what was stored under it instead.
     */
    async claim(
      accountId: string,
      key: string,
      requestHash: string,
    ): Promise<StoredReply | undefined> {
      await db
        .deleteFrom("api_idempotency_keys")
        .where("account_id", "=", accountId)
        .where("created_at", "<", sql<Date>`now() - ${KEPT_FOR}`)
        .execute();
      const claimed = await db
        .insertInto("api_idempotency_keys")
        .values({
          account_id: accountId,
          key,
          request_hash: requestHash,
          status: 0,
          response: "null",
        })
        .onConflict((oc) => oc.columns(["account_id", "key"]).doNothing())
        .returning("key")
        .executeTakeFirst();
      if (claimed) return undefined;
      const stored = await db
        .selectFrom("api_idempotency_keys")
        .select(["request_hash", "status", "response"])
        .where("account_id", "=", accountId)
        .where("key", "=", key)
        .executeTakeFirstOrThrow();
      return { requestHash: stored.request_hash, status: stored.status, body: stored.response };
    },

    /** Stores the reply of the request that claimed `key`. */
    async remember(accountId: string, key: string, status: number, body: unknown): Promise<void> {
      await db
        .updateTable("api_idempotency_keys")
        .set({ status, response: JSON.stringify(body) })
        .where("account_id", "=", accountId)
        .where("key", "=", key)
        .execute();
    },
  };
}

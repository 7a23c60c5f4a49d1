import type { Selectable } from "kysely";
import { sql } from "kysely";
import type { Database } from "../database.js";
import { newId } from "../ids.js";
import type { EmbedTokensTable } from "../schema.js";
import { inTransaction } from "../transaction.js";

export type EmbedToken = Selectable<EmbedTokensTable>;

export function createEmbedTokensRepository(db: Database) {
  return {
    /** The account of a public token, or undefined when the token is unknown or revoked. */
    async accountOf(tokenId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom("embed_tokens")
        .select("account_id")
        .where("id", "=", tokenId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return row?.account_id;
    },

    async listActive(accountId: string): Promise<string[]> {
      const rows = await db
        .selectFrom("embed_tokens")
        .select("id")
        .where("account_id", "=", accountId)
        .where("revoked_at", "is", null)
        .orderBy("created_at")
        .execute();
      return rows.map((r) => r.id);
    },

    async create(accountId: string, name: string): Promise<string> {
      const id = newId("tok");
      await db.insertInto("embed_tokens").values({ account_id: accountId, id, name }).execute();
      return id;
    },

    /** Every token of the account, revoked ones too, oldest first. */
    list(accountId: string): Promise<EmbedToken[]> {
      return db
        .selectFrom("embed_tokens")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
    },

    find(accountId: string, tokenId: string): Promise<EmbedToken | undefined> {
      return db
        .selectFrom("embed_tokens")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", tokenId)
        .executeTakeFirst();
    },

    /** The new token, named like the old one; undefined when there is no such active token. */
    rotate(accountId: string, tokenId: string): Promise<EmbedToken | undefined> {
      return inTransaction(db, async (trx) => {
        const old = await trx
          .updateTable("embed_tokens")
          .set({ revoked_at: sql<Date>`now()` })
          .where("account_id", "=", accountId)
          .where("id", "=", tokenId)
          .where("revoked_at", "is", null)
          .returning("name")
          .executeTakeFirst();
        if (!old) return undefined;
        return trx
          .insertInto("embed_tokens")
          .values({ account_id: accountId, id: newId("tok"), name: old.name })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
    },

    async revoke(accountId: string, tokenId: string): Promise<boolean> {
      const result = await db
        .updateTable("embed_tokens")
        .set({ revoked_at: new Date() })
        .where("account_id", "=", accountId)
        .where("id", "=", tokenId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

export type EmbedTokensRepository = ReturnType<typeof createEmbedTokensRepository>;

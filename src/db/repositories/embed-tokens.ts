import type { Database } from "../database.js";
import { newId } from "../ids.js";

export interface ActiveToken {
  accountId: string;
  verifyCustomers: boolean;
  customerHashSecret: string;
}

export function createEmbedTokensRepository(db: Database) {
  return {
    /** The account behind a public token, or undefined when the token is unknown or revoked. */
    async findActive(tokenId: string): Promise<ActiveToken | undefined> {
      const row = await db
        .selectFrom("embed_tokens")
        .innerJoin("accounts", "accounts.id", "embed_tokens.account_id")
        .select([
          "embed_tokens.account_id",
          "accounts.verify_customers",
          "accounts.customer_hash_secret",
        ])
        .where("embed_tokens.id", "=", tokenId)
        .where("embed_tokens.revoked_at", "is", null)
        .executeTakeFirst();
      return (
        row && {
          accountId: row.account_id,
          verifyCustomers: row.verify_customers,
          customerHashSecret: row.customer_hash_secret,
        }
      );
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

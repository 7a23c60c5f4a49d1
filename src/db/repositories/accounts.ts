import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../database.js";
import { DEFAULT_REASONS } from "../default-reasons.js";
import { newId, randomToken } from "../ids.js";
import type { Account } from "../schema.js";

export interface CreatedAccount {
  account: Account;
  accessTokenId: string;
  /** Shown once: only its hash is stored. */
  secretKey: string;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function createAccountsRepository(db: Database) {
  return {
    /** An account ready to embed: default reasons, one embed token and one API key. */
    async create(name: string): Promise<CreatedAccount> {
      return db.transaction().execute(async (trx) => {
        const account = await trx
          .insertInto("accounts")
          .values({
            id: newId("acc"),
            name,
            customer_hash_secret: randomBytes(32).toString("hex"),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("reasons")
          .values(
            DEFAULT_REASONS.map((text, index) => ({
              account_id: account.id,
              id: newId("rsn"),
              text,
              sort_key: (index + 1) * 10,
            })),
          )
          .execute();
        const accessTokenId = newId("tok");
        await trx
          .insertInto("embed_tokens")
          .values({ account_id: account.id, id: accessTokenId, name: "Default" })
          .execute();
        const secretKey = `sk_${randomToken(32)}`;
        await trx
          .insertInto("api_keys")
          .values({
            account_id: account.id,
            id: newId("key"),
            name: "Default",
            secret_hash: hashSecret(secretKey),
            secret_prefix: secretKey.slice(0, 7),
          })
          .execute();
        return { account, accessTokenId, secretKey };
      });
    },

    find(accountId: string): Promise<Account | undefined> {
      return db.selectFrom("accounts").selectAll().where("id", "=", accountId).executeTakeFirst();
    },

    list(): Promise<Account[]> {
      return db.selectFrom("accounts").selectAll().orderBy("created_at").orderBy("id").execute();
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;

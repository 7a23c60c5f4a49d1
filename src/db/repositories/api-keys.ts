import { createHash } from "node:crypto";
import type { Selectable } from "kysely";
import { sql } from "kysely";
import type { Database } from "../database.js";
import { newId, randomToken } from "../ids.js";
import type { ApiKeysTable } from "../schema.js";
import { inTransaction } from "../transaction.js";

export type ApiKey = Selectable<ApiKeysTable>;

export interface CreatedApiKey {
  key: ApiKey;
  /** Shown once: only its hash is stored. */
  secret: string;
}

/** SHA-256 is enough for a 190-bit random secret: there is nothing to brute-force. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** `sk_` and the first four random characters: enough to tell keys apart, useless to guess. */
const PREFIX_LENGTH = 7;

export function createApiKeysRepository(db: Database) {
  async function insert(trx: Database, accountId: string, name: string): Promise<CreatedApiKey> {
    const secret = `sk_${randomToken(32)}`;
    const key = await trx
      .insertInto("api_keys")
      .values({
        account_id: accountId,
        id: newId("key"),
        name,
        secret_hash: hashSecret(secret),
        secret_prefix: secret.slice(0, PREFIX_LENGTH),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { key, secret };
  }

  function revokeIn(trx: Database, accountId: string, keyId: string) {
    return trx
      .updateTable("api_keys")
      .set({ revoked_at: sql<Date>`now()` })
      .where("account_id", "=", accountId)
      .where("id", "=", keyId)
      .where("revoked_at", "is", null)
      .returningAll()
      .executeTakeFirst();
  }

  return {
    create(accountId: string, name: string): Promise<CreatedApiKey> {
      return insert(db, accountId, name);
    },

    /** Every key of the account, revoked ones too (they explain old API calls), oldest first. */
    list(accountId: string): Promise<ApiKey[]> {
      return db
        .selectFrom("api_keys")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
    },

    find(accountId: string, keyId: string): Promise<ApiKey | undefined> {
      return db
        .selectFrom("api_keys")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", keyId)
        .executeTakeFirst();
    },

    /** The active key a server-to-server request presents, if any. */
    findActiveBySecret(secret: string): Promise<ApiKey | undefined> {
      return db
        .selectFrom("api_keys")
        .selectAll()
        .where("secret_hash", "=", hashSecret(secret))
        .where("revoked_at", "is", null)
        .executeTakeFirst();
    },

    /** The revoked key, or undefined when there is no such active key. */
    revoke(accountId: string, keyId: string): Promise<ApiKey | undefined> {
      return revokeIn(db, accountId, keyId);
    },

    /** A new key under the same name; the old one stops working in the same transaction. */
    rotate(accountId: string, keyId: string): Promise<CreatedApiKey | undefined> {
      return inTransaction(db, async (trx) => {
        const old = await revokeIn(trx, accountId, keyId);
        return old && insert(trx, accountId, old.name);
      });
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;

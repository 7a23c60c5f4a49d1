import { type Kysely, sql } from "kysely";

/**
 * The REST API's `Idempotency-Key`: the first successful reply to a POST, kept a day so a
 * client's retry gets that reply again instead of a second reason or event. Stored in the
 * same transaction as the work itself, so there is never a half-done key to wait for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("api_idempotency_keys")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("key", "text", (c) => c.notNull())
    // SHA-256 of method, path and body: the same key with another request is refused.
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("response", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("api_idempotency_keys_pkey", ["account_id", "key"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("api_idempotency_keys").execute();
}

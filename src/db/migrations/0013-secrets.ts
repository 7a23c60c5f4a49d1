import { type Kysely, sql } from "kysely";

/**
 * Secrets at rest are sealed with keys from outside the database (src/db/secrets). This table
 * remembers the id (never the key) of every key that may have sealed a value here, so that a
 * process given the wrong keys refuses to start instead of failing on every secret it reads.
 * `secrets rotate` forgets a key once nothing is sealed with it any more. The plaintext
 * secrets of before are sealed by the first start after this migration, not here: the key is
 * no migration's to know.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("secrets_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("secrets_keys").execute();
}

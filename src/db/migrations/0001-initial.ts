import { type Kysely, sql } from "kysely";

// Every table leads with account_id so one tenant's rows sit together and a distributed
// Postgres (Citus) can shard by it without changing queries.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("accounts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("install_verified_at", "timestamptz")
    .addColumn("install_event_id", "text")
    .addColumn("verify_customers", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("customer_hash_secret", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("embed_tokens")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("revoked_at", "timestamptz")
    .addPrimaryKeyConstraint("embed_tokens_pkey", ["account_id", "id"])
    .execute();
  // The widget knows only the token, so it must be found without the account.
  await db.schema
    .createIndex("embed_tokens_id_key")
    .on("embed_tokens")
    .column("id")
    .unique()
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_hash", "text", (c) => c.notNull())
    .addColumn("secret_prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("revoked_at", "timestamptz")
    .addPrimaryKeyConstraint("api_keys_pkey", ["account_id", "id"])
    .execute();
  await db.schema
    .createIndex("api_keys_secret_hash_key")
    .on("api_keys")
    .column("secret_hash")
    .unique()
    .execute();

  await db.schema
    .createTable("reasons")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("sort_key", "integer", (c) => c.notNull())
    .addColumn("archived_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("reasons_pkey", ["account_id", "id"])
    .execute();

  await db.schema
    .createTable("events")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('answer', 'dismissal')`))
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('widget', 'api')`))
    .addColumn("reason_id", "text")
    .addColumn("reason_text", "text")
    .addColumn("comment", "text")
    .addColumn("customer_oid", "text", (c) => c.notNull())
    .addColumn("subscription_oids", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn("test_mode", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("install_check", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("idempotency_key", "text")
    .addColumn("locale", "text")
    .addColumn("mrr_amount", "bigint")
    .addColumn("mrr_currency", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("events_pkey", ["account_id", "id"])
    .addCheckConstraint("events_answer_has_reason", sql`kind <> 'answer' or reason_id is not null`)
    .execute();
  await db.schema
    .createIndex("events_idempotency_key")
    .on("events")
    .columns(["account_id", "idempotency_key"])
    .unique()
    .execute();
  await db.schema
    .createIndex("events_account_created_at")
    .on("events")
    .columns(["account_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["events", "reasons", "api_keys", "embed_tokens", "accounts"]) {
    await db.schema.dropTable(table).execute();
  }
}

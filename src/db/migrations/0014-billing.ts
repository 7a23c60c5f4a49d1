import { type Kysely, sql } from "kysely";

/**
 * Billing storage: the provider connections of an account (their API key and webhook secret
 * sealed at rest), the runs of their backfills, the customers and subscriptions they hold,
 * and the provider events already taken in. Every row below a connection refers to it by
 * (account_id, connection_id), so no row can sit under another account's connection; they
 * all go with the account. Times from the provider are whole seconds, stored as timestamptz.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("billing_connections")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("provider", "text", (c) => c.notNull().check(sql`provider in ('stripe')`))
    .addColumn("mode", "text", (c) => c.notNull().check(sql`mode in ('live', 'test')`))
    .addColumn("provider_account_id", "text")
    // Sealed (src/db/secrets); null once disconnected.
    .addColumn("api_key", "text")
    // The key's start and end, so people can tell keys apart without the key.
    .addColumn("api_key_hint", "text")
    .addColumn("webhook_secret", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("active").check(sql`status in ('active', 'disconnected')`),
    )
    .addColumn("last_error", "jsonb")
    .addColumn("event_cursor", "jsonb")
    .addColumn("event_cursor_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("disconnected_at", "timestamptz")
    .addUniqueConstraint("billing_connections_account_id", ["account_id", "id"])
    .addCheckConstraint(
      "billing_connections_disconnected_holds_no_secret",
      sql`status = 'active' or (api_key is null and webhook_secret is null)`,
    )
    .execute();
  // One active connection per account, provider and mode; disconnected ones stay as history.
  await sql`create unique index billing_connections_one_active
    on billing_connections (account_id, provider, mode) where status = 'active'`.execute(db);

  await db.schema
    .createTable("billing_sync_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("running")
        .check(sql`state in ('running', 'succeeded', 'failed', 'canceled')`),
    )
    .addColumn("phase", "text", (c) =>
      c
        .notNull()
        .defaultTo("customers")
        .check(sql`phase in ('customers', 'subscriptions', 'events', 'done')`),
    )
    // The provider's page cursor of the phase: a resumed run lists on right after it.
    .addColumn("cursor", "text")
    // The provider's event cursor taken before the backfill: a resumed run keeps it, so the
    // catch-up after it replays every change made while the backfill ran.
    .addColumn("event_cursor", "jsonb")
    .addColumn("customers_seen", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("subscriptions_seen", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("requests_made", "integer", (c) => c.notNull().defaultTo(0))
    // Lists walk newest first: the creation time reached tells how much of the account's
    // history is done, for an ETA where the provider gives no total.
    .addColumn("oldest_created", "timestamptz")
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .addColumn("error", "jsonb")
    .addForeignKeyConstraint(
      "billing_sync_runs_connection",
      ["account_id", "connection_id"],
      "billing_connections",
      ["account_id", "id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  await sql`create unique index billing_sync_runs_one_running
    on billing_sync_runs (connection_id) where state = 'running'`.execute(db);
  await sql`create index billing_sync_runs_latest
    on billing_sync_runs (connection_id, started_at desc)`.execute(db);

  await db.schema
    .createTable("billing_customers")
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("test_mode", "boolean", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("name", "text")
    .addColumn("created", "timestamptz")
    .addColumn("deleted", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("raw", "jsonb", (c) => c.notNull())
    .addColumn("synced_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("billing_customers_pkey", ["connection_id", "id"])
    .addForeignKeyConstraint(
      "billing_customers_connection",
      ["account_id", "connection_id"],
      "billing_connections",
      ["account_id", "id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  // Answers name a customer by id only, across the account's connections.
  await sql`create index billing_customers_account
    on billing_customers (account_id, id, test_mode)`.execute(db);

  await db.schema
    .createTable("billing_subscriptions")
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("customer_id", "text", (c) => c.notNull())
    .addColumn("test_mode", "boolean", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("mrr_amount", "bigint", (c) => c.notNull())
    .addColumn("monthly_value", "bigint", (c) => c.notNull())
    .addColumn("plan", "text")
    .addColumn("items", "jsonb", (c) => c.notNull())
    .addColumn("created", "timestamptz")
    .addColumn("trial_end", "timestamptz")
    .addColumn("current_period_end", "timestamptz")
    .addColumn("cancel_at", "timestamptz")
    .addColumn("canceled_at", "timestamptz")
    .addColumn("ended_at", "timestamptz")
    .addColumn("cancel_at_period_end", "boolean", (c) => c.notNull())
    .addColumn("paused_collection", "boolean", (c) => c.notNull())
    .addColumn("cancellation_details", "jsonb", (c) => c.notNull())
    .addColumn("raw", "jsonb", (c) => c.notNull())
    // The ordering guard: a snapshot replaces the stored one only when not older.
    .addColumn("observed_at_ms", "bigint", (c) => c.notNull())
    .addColumn("observed_source", "text", (c) =>
      c.notNull().check(sql`observed_source in ('fetch', 'event')`),
    )
    .addColumn("synced_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("billing_subscriptions_pkey", ["connection_id", "id"])
    .addForeignKeyConstraint(
      "billing_subscriptions_connection",
      ["account_id", "connection_id"],
      "billing_connections",
      ["account_id", "id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  await sql`create index billing_subscriptions_customer
    on billing_subscriptions (account_id, customer_id)`.execute(db);
  await sql`create index billing_subscriptions_status
    on billing_subscriptions (account_id, status)`.execute(db);

  await db.schema
    .createTable("provider_events")
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("created", "timestamptz", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in ('webhook', 'catch_up')`))
    // When the claim was (last) taken: a claim left unprocessed this long was lost with its
    // worker, and may be taken again.
    .addColumn("claimed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("processed_at", "timestamptz")
    .addPrimaryKeyConstraint("provider_events_pkey", ["connection_id", "id"])
    .addForeignKeyConstraint(
      "provider_events_connection",
      ["account_id", "connection_id"],
      "billing_connections",
      ["account_id", "id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  await sql`create index provider_events_received on provider_events (received_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "provider_events",
    "billing_subscriptions",
    "billing_customers",
    "billing_sync_runs",
    "billing_connections",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}

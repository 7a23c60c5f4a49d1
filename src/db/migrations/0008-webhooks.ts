import { type Kysely, sql } from "kysely";

/** Rows of `source` (new_rows, or the one row `new`) as deliveries to each subscribed endpoint. */
function enqueue(eventType: string, source: string): string {
  return `
    insert into webhook_deliveries (account_id, endpoint_id, event_type, event_id, event)
    select n.account_id, e.id, '${eventType}', n.id, to_jsonb(n)
    from ${source}
    join webhook_endpoints e on e.account_id = n.account_id
    where e.enabled and '${eventType}' = any(e.event_types)
      and n.kind in ('answer', 'skip') and (e.include_test or not n.test_mode)`;
}

/**
 * Outgoing webhooks: endpoints per account, and a delivery queue that workers drain with
 * `FOR UPDATE SKIP LOCKED`. Deliveries are written by triggers on `events`, in the very
 * statement that stores or changes the event (a transactional outbox): every path that
 * writes events (widget ingest, REST API, demo data) enqueues them, and none can be lost
 * between the event's commit and the queue. Each delivery keeps the event as it was then,
 * so a retry sends what happened, not what the row says now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('webhook', 'slack')`))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("event_types", sql`text[]`, (c) =>
      c
        .notNull()
        .check(
          sql`event_types <@ array['cancellation.created', 'cancellation.updated', 'retention.accepted']`,
        ),
    )
    .addColumn("enabled", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("include_test", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("secret", "text", (c) => c.notNull())
    // After a rotation the old secret signs too for a day, so receivers can switch over.
    .addColumn("previous_secret", "text")
    .addColumn("previous_secret_expires_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("webhook_endpoints_pkey", ["account_id", "id"])
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("account_id", "text", (c) => c.notNull())
    // Made here, not in Node: the triggers write most deliveries.
    .addColumn("id", "text", (c) =>
      c.notNull().defaultTo(sql`'dlv_' || replace(gen_random_uuid()::text, '-', '')`),
    )
    .addColumn("endpoint_id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("event_id", "text")
    /** The events row as it was when this was enqueued; null for a ping. */
    .addColumn("event", "jsonb")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("pending").check(sql`status in ('pending', 'delivered', 'failed')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("locked_until", "timestamptz")
    .addColumn("lease_token", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("delivered_at", "timestamptz")
    .addPrimaryKeyConstraint("webhook_deliveries_pkey", ["account_id", "id"])
    .addForeignKeyConstraint(
      "webhook_deliveries_endpoint_fkey",
      ["account_id", "endpoint_id"],
      "webhook_endpoints",
      ["account_id", "id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  // The workers' question, across accounts: what is due? Delivered and failed rows drop out.
  await sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at)
    where status = 'pending'`.execute(db);
  // The delivery log, newest first; one endpoint's is a filter on it (few per account).
  await db.schema
    .createIndex("webhook_deliveries_log")
    .on("webhook_deliveries")
    .columns(["account_id", "created_at"])
    .execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addColumn("id", "bigint", (c) => c.notNull().generatedByDefaultAsIdentity())
    .addColumn("attempted_at", "timestamptz", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("error", "text")
    .addColumn("response_body", "text")
    .addPrimaryKeyConstraint("webhook_attempts_pkey", ["account_id", "delivery_id", "id"])
    .addForeignKeyConstraint(
      "webhook_attempts_delivery_fkey",
      ["account_id", "delivery_id"],
      "webhook_deliveries",
      ["account_id", "id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();

  // Ingest writes many events per statement: one set-based insert per statement. An account
  // without endpoints joins to nothing on the primary key's leading column.
  await sql
    .raw(`create function webhook_enqueue_created() returns trigger language plpgsql as $$
    begin
      ${enqueue("cancellation.created", "new_rows n")};
      return null;
    end $$`)
    .execute(db);
  await sql`create trigger webhook_enqueue_created after insert on events
    referencing new table as new_rows for each statement
    execute function webhook_enqueue_created()`.execute(db);

  // Changes of reason or comment are rare (the REST API's update): a row trigger is enough,
  // and Postgres allows no transition tables on a column-list trigger anyway.
  await sql
    .raw(`create function webhook_enqueue_updated() returns trigger language plpgsql as $$
    begin
      ${enqueue("cancellation.updated", "(select new.*) n")};
      return null;
    end $$`)
    .execute(db);
  await sql`create trigger webhook_enqueue_updated after update of reason_id, comment on events
    for each row
    when (old.reason_id is distinct from new.reason_id or old.comment is distinct from new.comment)
    execute function webhook_enqueue_updated()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ["webhook_enqueue_updated", "webhook_enqueue_created"]) {
    await sql.raw(`drop trigger ${name} on events`).execute(db);
    await sql.raw(`drop function ${name}()`).execute(db);
  }
  for (const table of ["webhook_attempts", "webhook_deliveries", "webhook_endpoints"]) {
    await db.schema.dropTable(table).execute();
  }
}

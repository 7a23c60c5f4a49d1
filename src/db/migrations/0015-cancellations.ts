import { type Kysely, sql } from "kysely";

/**
 * Cancellations as records of their own, one per subscription that ends or is set to end,
 * whatever the path (our widget, the provider's portal, dashboard or API, a failed payment),
 * and the links from widget answers to the cancellations they explain. Lost MRR counts once
 * per cancellation from here, never once per answer. Nothing here refers to the billing
 * tables of 0014 (`connection_id` is plain text): a cancellation may come from the REST API
 * alone, and the connection's history may go while its cancellations stay counted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("cancellations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    // Null for one known only from the REST API (a site without a supported provider).
    .addColumn("connection_id", "text")
    .addColumn("subscription_id", "text", (c) => c.notNull())
    .addColumn("customer_id", "text", (c) => c.notNull())
    .addColumn("test_mode", "boolean", (c) => c.notNull())
    .addColumn("path", "text", (c) =>
      c.notNull().check(
        sql`path in ('portal', 'provider', 'provider_dashboard', 'provider_api',
            'payment_failure', 'unknown')`,
      ),
    )
    .addColumn("timing", "text", (c) =>
      c.notNull().check(sql`timing in ('immediate', 'period_end', 'scheduled')`),
    )
    .addColumn("voluntary", "boolean", (c) => c.notNull())
    .addColumn("state", "text", (c) =>
      c.notNull().check(sql`state in ('scheduled', 'ended', 'reactivated')`),
    )
    .addColumn("requested_at", "timestamptz", (c) => c.notNull())
    .addColumn("ends_at", "timestamptz")
    .addColumn("ended_at", "timestamptz")
    .addColumn("reactivated_at", "timestamptz")
    .addColumn("subscription_created_at", "timestamptz")
    .addColumn("lost_mrr_amount", "bigint")
    .addColumn("lost_mrr_currency", "text")
    .addColumn("plan", "text")
    .addColumn("provider_reason", "text")
    .addColumn("provider_feedback", "text")
    .addColumn("provider_comment", "text")
    .addColumn("reason_id", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // The mapped reason is one of the account's own (null is not checked).
    .addForeignKeyConstraint("cancellations_reason_fkey", ["account_id", "reason_id"], "reasons", [
      "account_id",
      "id",
    ])
    .addCheckConstraint(
      "cancellations_mrr_has_currency",
      sql`(lost_mrr_amount is null) = (lost_mrr_currency is null)`,
    )
    .execute();
  // One open cancellation per subscription: a reactivated one is closed, and the next
  // cancellation of the same subscription is a new record. '' stands for "no connection",
  // so that those are unique too (nulls would all differ).
  await sql`create unique index cancellations_open on cancellations
    (account_id, (coalesce(connection_id, '')), subscription_id)
    where state <> 'reactivated'`.execute(db);
  await sql`create index cancellations_subscription on cancellations
    (account_id, subscription_id)`.execute(db);
  // Linking by window, and every question asked over a range of days.
  await sql`create index cancellations_customer on cancellations
    (account_id, customer_id, test_mode, requested_at)`.execute(db);
  await sql`create index cancellations_requested on cancellations
    (account_id, test_mode, requested_at)`.execute(db);

  await db.schema
    .createTable("cancellation_answers")
    .addColumn("cancellation_id", "text", (c) =>
      c.notNull().references("cancellations.id").onDelete("cascade"),
    )
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("linked_by", "text", (c) =>
      c.notNull().check(sql`linked_by in ('subscription_oid', 'window')`),
    )
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("cancellation_answers_pkey", ["cancellation_id", "event_id"])
    .addForeignKeyConstraint(
      "cancellation_answers_event_fkey",
      ["account_id", "event_id"],
      "events",
      ["account_id", "id"],
      (c) => c.onDelete("cascade"),
    )
    .execute();
  // An answer's cancellations (v1 events, "is it linked?").
  await sql`create index cancellation_answers_event on cancellation_answers
    (account_id, event_id)`.execute(db);

  // Answers that name subscriptions, found by one of them. Dismissals cancel nothing and an
  // empty list names none: both stay out, so ingest pays only for answers that name some.
  await sql`create index events_subscription_oids on events using gin (subscription_oids)
    where kind in ('answer', 'skip') and subscription_oids <> '{}'`.execute(db);
  // A customer's answers around a time, for linking by window, are found by
  // events_account_customer (account_id, customer_oid, created_at; migration 0004).
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index events_subscription_oids`.execute(db);
  await db.schema.dropTable("cancellation_answers").execute();
  await db.schema.dropTable("cancellations").execute();
}

import { type Kysely, sql } from "kysely";

/**
 * Email: the log of every message (sent by SMTP, or kept in the outbox when none is
 * configured), the reason email's one-use link state, each account's email settings, and
 * `email` as the source of an answer given on the hosted form the reason email links to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("email_settings")
    .addColumn("account_id", "text", (c) =>
      c.primaryKey().references("accounts.id").onDelete("cascade"),
    )
    // How long after a cancellation with no answer the reason email goes (0: at once).
    .addColumn("reason_delay_minutes", "integer", (c) =>
      c.notNull().defaultTo(60).check(sql`reason_delay_minutes between 0 and 10080`),
    )
    // How long the form's link works.
    .addColumn("reason_link_days", "integer", (c) =>
      c.notNull().defaultTo(14).check(sql`reason_link_days between 1 and 90`),
    )
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("emails")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('reason')`))
    // The cancellation a reason email asks about.
    .addColumn("cancellation_id", "text", (c) =>
      c.references("cancellations.id").onDelete("cascade"),
    )
    // Known once it is composed, at send time (the customer's address may arrive late).
    .addColumn("to_address", "text")
    .addColumn("subject", "text")
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("scheduled")
        .check(sql`status in ('scheduled', 'sending', 'sent', 'outbox', 'skipped', 'failed')`),
    )
    // Why it was skipped or failed: a code or the transport's message, never the body.
    .addColumn("error", "text")
    // The rendered message, kept only in the outbox (no SMTP): sent mail is not copied here.
    .addColumn("body_text", "text")
    .addColumn("body_html", "text")
    .addColumn("link_expires_at", "timestamptz")
    .addColumn("link_used_at", "timestamptz")
    // The answer given through the link.
    .addColumn("event_id", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    .execute();
  // One reason email per cancellation, however often the cancellation is seen.
  await sql`create unique index emails_reason_once on emails (cancellation_id)
    where kind = 'reason'`.execute(db);
  await sql`create index emails_account on emails (account_id, created_at desc, id desc)`.execute(
    db,
  );

  await sql`alter table events drop constraint events_source_check`.execute(db);
  await sql`alter table events add constraint events_source_check
    check (source in ('widget', 'api', 'email'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table events drop constraint events_source_check`.execute(db);
  await sql`alter table events add constraint events_source_check
    check (source in ('widget', 'api'))`.execute(db);
  await db.schema.dropTable("emails").execute();
  await db.schema.dropTable("email_settings").execute();
}

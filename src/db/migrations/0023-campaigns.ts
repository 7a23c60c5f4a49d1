import { type Kysely, sql } from "kysely";

/** Replaces the check of the kinds an email may be (Postgres' own name for it). */
async function emailKinds(db: Kysely<unknown>, kinds: string) {
  await sql`alter table emails drop constraint emails_kind_check`.execute(db);
  await sql
    .raw(`alter table emails add constraint emails_kind_check check (kind in ${kinds})`)
    .execute(db);
}

/**
 * Win-back campaigns: per reason, a sequence of emails to customers whose cancellation ended
 * (steps with a delay, a subject and a body template); one enrollment per cancellation that
 * walks the steps; the addresses that unsubscribed, per account, which every campaign
 * honours; each account's daily sending limit; and emails of kind `campaign`, one per
 * enrollment and step.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    // Campaign emails an account sends a day (UTC); the rest wait for the next day.
    .addColumn("campaign_daily_limit", "integer", (c) =>
      c.notNull().defaultTo(200).check(sql`campaign_daily_limit between 1 and 100000`),
    )
    .execute();

  await db.schema
    .createTable("campaigns")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    // Reason ids it is for; checked against the account's reasons when written.
    .addColumn("reason_ids", "jsonb", (c) => c.notNull())
    // The offer whose title {{offer}} stands for. Plain text: a deleted offer renders empty.
    .addColumn("offer_id", "text")
    // [{ delay_days, subject, body }]: each step's delay counts from the one before (the
    // first from the cancellation's end).
    .addColumn("steps", "jsonb", (c) => c.notNull())
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index campaigns_account on campaigns (account_id, created_at)`.execute(db);

  await db.schema
    .createTable("campaign_enrollments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("campaign_id", "text", (c) =>
      c.notNull().references("campaigns.id").onDelete("cascade"),
    )
    // One enrollment per cancellation, however often the tick sees it.
    .addColumn("cancellation_id", "text", (c) =>
      c.notNull().unique().references("cancellations.id").onDelete("cascade"),
    )
    .addColumn("connection_id", "text")
    .addColumn("customer_id", "text", (c) => c.notNull())
    // The customer's address when enrolled, lower-cased: what an unsubscribe matches.
    .addColumn("email", "text", (c) => c.notNull())
    // The index of the step to send next, and when.
    .addColumn("next_step", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_at", "timestamptz")
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("active")
        .check(sql`state in ('active', 'stopped', 'completed', 'unsubscribed')`),
    )
    // Why it stopped: a code (resubscribed, no_customer_email), never customer text.
    .addColumn("stop_reason", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // What the tick asks: an account's active enrollments due by a time.
  await sql`create index campaign_enrollments_due on campaign_enrollments
    (account_id, next_at) where state = 'active'`.execute(db);
  await sql`create index campaign_enrollments_email on campaign_enrollments
    (account_id, email)`.execute(db);
  await sql`create index campaign_enrollments_campaign on campaign_enrollments
    (campaign_id, created_at desc, id desc)`.execute(db);

  await db.schema
    .createTable("campaign_unsubscribes")
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    // Lower-cased.
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("campaign_unsubscribes_pkey", ["account_id", "email"])
    .execute();

  await emailKinds(db, "('reason', 'campaign')");
  await db.schema
    .alterTable("emails")
    // Plain text: the log keeps a campaign's emails when the campaign is deleted.
    .addColumn("campaign_id", "text")
    .addColumn("enrollment_id", "text", (c) =>
      c.references("campaign_enrollments.id").onDelete("set null"),
    )
    .addColumn("step_index", "integer")
    // A test send from the dashboard: to whom the owner said, with sample values.
    .addColumn("is_test", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  // One email per enrollment and step, however many workers tick at once.
  await sql`create unique index emails_campaign_step_once on emails (enrollment_id, step_index)
    where kind = 'campaign' and enrollment_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from emails where kind = 'campaign'`.execute(db);
  await sql`drop index emails_campaign_step_once`.execute(db);
  await db.schema
    .alterTable("emails")
    .dropColumn("campaign_id")
    .dropColumn("enrollment_id")
    .dropColumn("step_index")
    .dropColumn("is_test")
    .execute();
  await emailKinds(db, "('reason')");
  await db.schema.dropTable("campaign_unsubscribes").execute();
  await db.schema.dropTable("campaign_enrollments").execute();
  await db.schema.dropTable("campaigns").execute();
  await db.schema.alterTable("accounts").dropColumn("campaign_daily_limit").execute();
}

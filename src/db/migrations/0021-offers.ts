import { type Kysely, sql } from "kysely";

/**
 * Retention offers: what an account offers a customer about to cancel (a discount, a pause,
 * a cheaper price, a longer trial, or a link to talk to someone), to which reasons and under
 * which conditions; and every accept with its result, which is also how the eligibility
 * rules know what a customer was given before. Two account settings go with them: the window
 * in which a customer gets at most one offer, and the share of customers held out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .addColumn("offer_window_months", "integer", (c) =>
      c.notNull().defaultTo(12).check(sql`offer_window_months between 1 and 120`),
    )
    .addColumn("offer_holdout_percent", "integer", (c) =>
      c.notNull().defaultTo(0).check(sql`offer_holdout_percent between 0 and 50`),
    )
    .execute();

  await db.schema
    .createTable("offers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('discount', 'pause', 'price_switch', 'trial_extension', 'contact_link')`,
        ),
    )
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text")
    // The kind's own parameters (percent off and months, pause months, price, days, URL).
    .addColumn("params", "jsonb", (c) => c.notNull())
    // Reason ids it answers; checked against the account's reasons when written.
    .addColumn("reason_ids", "jsonb", (c) => c.notNull())
    // Optional conditions on the customer's subscription; null: any.
    .addColumn("plan", "text")
    .addColumn("min_tenure_days", "integer")
    .addColumn("max_tenure_days", "integer")
    .addColumn("billing_interval", "text", (c) =>
      c.check(sql`billing_interval in ('day', 'week', 'month', 'year')`),
    )
    .addColumn("active", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("offers_account_id_id", ["account_id", "id"])
    .execute();
  await sql`create index offers_account on offers (account_id, created_at)`.execute(db);

  await db.schema
    .createTable("offer_acceptances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    // Plain text, no reference: an accept stays on record when its offer is deleted.
    .addColumn("offer_id", "text", (c) => c.notNull())
    .addColumn("offer_kind", "text", (c) => c.notNull())
    .addColumn("connection_id", "text")
    .addColumn("customer_id", "text", (c) => c.notNull())
    .addColumn("subscription_id", "text")
    .addColumn("test_mode", "boolean", (c) => c.notNull())
    // The signed offer token's nonce: one token is accepted once.
    .addColumn("token_id", "text")
    .addColumn("result", "text", (c) =>
      c.notNull().check(sql`result in ('applied', 'failed', 'held_out')`),
    )
    .addColumn("error_code", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index offer_acceptances_token on offer_acceptances
    (account_id, token_id) where result = 'applied'`.execute(db);
  // The window and "redeemed before" rules ask this per customer.
  await sql`create index offer_acceptances_customer on offer_acceptances
    (account_id, customer_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("offer_acceptances").execute();
  await db.schema.dropTable("offers").execute();
  await db.schema
    .alterTable("accounts")
    .dropColumn("offer_window_months")
    .dropColumn("offer_holdout_percent")
    .execute();
}

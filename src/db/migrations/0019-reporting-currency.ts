import { type Kysely, sql } from "kysely";

/**
 * A reporting currency per account, and the owner's rates into it: totals stay per currency,
 * and a total in the reporting currency is shown only from these rates, never guessed.
 * Currencies are lower case ISO 4217, as providers give them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .addColumn("reporting_currency", "text", (c) => c.check(sql`reporting_currency ~ '^[a-z]{3}$'`))
    .execute();
  await db.schema
    .createTable("exchange_rates")
    .addColumn("account_id", "text", (c) =>
      c.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("currency", "text", (c) => c.notNull().check(sql`currency ~ '^[a-z]{3}$'`))
    // One unit of `currency` in the reporting currency, in major units (1 EUR = 1.08 USD).
    .addColumn("rate", "numeric", (c) => c.notNull().check(sql`rate > 0`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("exchange_rates_pkey", ["account_id", "currency"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("exchange_rates").execute();
  await db.schema.alterTable("accounts").dropColumn("reporting_currency").execute();
}

import { type Kysely, sql } from "kysely";

/**
 * Billing connections of any registered provider (src/billing/providers.ts), not Stripe's
 * only: the list of names leaves the database, which checks a name's shape instead (the one
 * the registry and the webhook URL `/webhooks/<provider>/…` accept). Rows stay as they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table billing_connections
    drop constraint billing_connections_provider_check,
    add constraint billing_connections_provider_name
      check (provider ~ '^[a-z][a-z0-9_]{0,31}$')`.execute(db);
}

/** Back to Stripe only: fails while a connection of another provider exists, as it should. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table billing_connections
    drop constraint billing_connections_provider_name,
    add constraint billing_connections_provider_check check (provider in ('stripe'))`.execute(db);
}

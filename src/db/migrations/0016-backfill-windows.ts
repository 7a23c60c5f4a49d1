import { type Kysely, sql } from "kysely";

/**
 * A backfill's plan of the list it walks: the span of creation times a few probes found (an
 * ETA where the provider gives no totals) and the `created` windows a big account is listed
 * in, each resumable on its own (the run's `cursor` is the cursor of the current window).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table billing_sync_runs add column list_plan jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table billing_sync_runs drop column list_plan`.execute(db);
}

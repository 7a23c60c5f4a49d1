import { type Kysely, sql } from "kysely";

// The 'simple' configuration: comments come in many languages, so no stemming and no stop
// words; prefix queries (`expens:*`) make up for the missing stems. A plain GIN index
// cannot lead with account_id (that needs btree_gin, which not every Postgres has), but
// the words alone narrow a search to a few rows, which the account filter then checks.
// Partial: events without a comment (dismissals, skips, many answers) cost ingest nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index events_comment_search on events
    using gin (to_tsvector('simple', comment)) where comment is not null`.execute(db);
  // A customer's page lists all their events.
  await db.schema
    .createIndex("events_account_customer")
    .on("events")
    .columns(["account_id", "customer_oid", "created_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("events_account_customer").execute();
  await db.schema.dropIndex("events_comment_search").execute();
}

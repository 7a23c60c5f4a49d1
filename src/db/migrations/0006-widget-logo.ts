import { type Kysely, sql } from "kysely";

/**
 * The logo an owner shows in the widget's header: one per account, in the database (bytea)
 * so PGlite and Postgres installs keep it alike, with no file storage to back up or share.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("widget_logos")
    .addColumn("account_id", "text", (c) => c.primaryKey().references("accounts.id"))
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("image", "bytea", (c) => c.notNull())
    // In the public URL: a new logo gets a new URL, so the old one may be cached for good.
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("widget_logos").execute();
}

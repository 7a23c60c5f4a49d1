import { type Kysely, sql } from "kysely";

/** What an owner can change about the widget their customers see, per account. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    // null: each customer gets their own language (the page's or the browser's).
    .addColumn("widget_locale", "text")
    .addColumn("brand_color", "text", (c) => c.notNull().defaultTo("#4f46e5"))
    // { "<locale>": { "<text key>": "..." } }: the owner's words over the built-in ones.
    .addColumn("widget_texts", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Empty: any site may embed the widget; otherwise only these origins.
    .addColumn("allowed_origins", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .dropColumn("widget_locale")
    .dropColumn("brand_color")
    .dropColumn("widget_texts")
    .dropColumn("allowed_origins")
    .execute();
}

import { type Kysely, sql } from "kysely";

/**
 * The demo account is marked as such: the public /demo page writes only into it, never into
 * the oldest account (which may be a real one). Installations from before had their demo
 * account made by `start` or `demo`, always named "Demo SaaS".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .addColumn("is_demo", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update accounts set is_demo = true where name = 'Demo SaaS'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("accounts").dropColumn("is_demo").execute();
}

import { type Kysely, sql } from "kysely";

/**
 * The owner's correction of a cancellation's reason, kept apart from the reason the
 * provider's feedback maps to (`reason_id`), so that it can win over a linked answer's
 * (src/db/cancellation-reason.ts). Until now the two shared `reason_id`: a cancellation
 * without provider feedback had its reason from the owner only, so that one moves; one with
 * feedback cannot be told apart and stays the provider's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("cancellations").addColumn("owner_reason_id", "text").execute();
  await db.schema
    .alterTable("cancellations")
    .addForeignKeyConstraint(
      "cancellations_owner_reason_fkey",
      ["account_id", "owner_reason_id"],
      "reasons",
      ["account_id", "id"],
    )
    .execute();
  await sql`update cancellations set owner_reason_id = reason_id, reason_id = null
    where provider_feedback is null and reason_id is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update cancellations set reason_id = owner_reason_id
    where owner_reason_id is not null`.execute(db);
  await db.schema.alterTable("cancellations").dropColumn("owner_reason_id").execute();
}

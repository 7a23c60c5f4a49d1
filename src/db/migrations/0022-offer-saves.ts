import { type Kysely, sql } from "kysely";

const TYPES_BEFORE = `array['cancellation.created', 'cancellation.updated', 'retention.accepted']`;
const TYPES_AFTER = `array['cancellation.created', 'cancellation.updated', 'retention.accepted', 'retention.saved']`;
const RESULTS_BEFORE = `('applied', 'failed', 'held_out')`;
const RESULTS_AFTER = `('shown', 'applied', 'failed', 'held_out')`;

/** Replaces a check constraint (Postgres' own name for a column's check) by `check`. */
async function recheck(db: Kysely<unknown>, table: string, name: string, check: string) {
  await sql.raw(`alter table ${table} drop constraint ${name}`).execute(db);
  await sql.raw(`alter table ${table} add constraint ${name} check (${check})`).execute(db);
}

const eventTypesCheck = (db: Kysely<unknown>, types: string) =>
  recheck(
    db,
    "webhook_endpoints",
    "webhook_endpoints_event_types_check",
    `event_types <@ ${types}`,
  );
const resultCheck = (db: Kysely<unknown>, results: string) =>
  recheck(db, "offer_acceptances", "offer_acceptances_result_check", `result in ${results}`);

/**
 * Proof of saves (src/offers/save-decision.ts): an applied offer is tracked `pending` until
 * its validation window ends, then decided `saved` (still active, not set to cancel, the
 * next invoice paid; its MRR counts) or `lost`. Shown offers are recorded too, so that the
 * lift compares everyone shown an offer with everyone held out, not only those who took it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .addColumn("offer_save_days", "integer", (c) =>
      c.notNull().defaultTo(30).check(sql`offer_save_days between 1 and 180`),
    )
    .execute();

  await resultCheck(db, RESULTS_AFTER);
  await db.schema
    .alterTable("offer_acceptances")
    // Null for rows that are no save to prove (shown, failed, held out, or nothing billed).
    .addColumn("save_status", "text", (c) =>
      c.check(sql`save_status in ('pending', 'saved', 'lost')`),
    )
    // The window's end, fixed when the offer was accepted: a later change of the setting
    // does not move the goalposts of saves already under way.
    .addColumn("save_due_at", "timestamptz")
    .addColumn("save_decided_at", "timestamptz")
    // Why it was decided so: `invoice_paid`, `canceled`, `cancel_scheduled`, `invoice_unpaid`...
    .addColumn("save_reason", "text")
    .addColumn("saved_mrr_amount", "integer")
    .addColumn("saved_mrr_currency", "text")
    // The provider's invoice that proved it.
    .addColumn("save_invoice_id", "text")
    .execute();
  // The performance page counts an account's rows per offer. No index on the save's due
  // time: each accept queues its own check, due when its window ends, so the due question
  // is the jobs table's (jobs_due).
  await sql`create index offer_acceptances_offer on offer_acceptances
    (account_id, offer_id, result)`.execute(db);

  await eventTypesCheck(db, TYPES_AFTER);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from webhook_deliveries where event_type = 'retention.saved'`.execute(db);
  await sql`update webhook_endpoints
    set event_types = array_remove(event_types, 'retention.saved')`.execute(db);
  await eventTypesCheck(db, TYPES_BEFORE);
  await sql`drop index offer_acceptances_offer`.execute(db);
  await db.schema
    .alterTable("offer_acceptances")
    .dropColumn("save_status")
    .dropColumn("save_due_at")
    .dropColumn("save_decided_at")
    .dropColumn("save_reason")
    .dropColumn("saved_mrr_amount")
    .dropColumn("saved_mrr_currency")
    .dropColumn("save_invoice_id")
    .execute();
  await sql`delete from offer_acceptances where result = 'shown'`.execute(db);
  await resultCheck(db, RESULTS_BEFORE);
  await db.schema.alterTable("accounts").dropColumn("offer_save_days").execute();
}

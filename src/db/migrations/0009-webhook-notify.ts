import { type Kysely, sql } from "kysely";

/**
 * Workers hear at once of deliveries to send: the queue notifies channel
 * `webhook_deliveries` when deliveries are queued (by 0008's triggers on events, or a test
 * ping) or become due again (a redelivery, a paused endpoint resumed). Polling stays, slower,
 * as the safety net. Notifications go out at commit, and Postgres folds identical ones of a
 * transaction into one: a batch of events wakes each worker once.
 *
 * On the queue rather than in 0008's enqueue functions: every way into it is covered,
 * whoever writes the row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // 0008's triggers run their insert for every statement on events; when it queued nothing
  // (an account without endpoints, a dismissal) nobody needs waking.
  await sql`create function webhook_notify_queued() returns trigger language plpgsql as $$
    begin
      if exists (select from new_rows) then
        perform pg_notify('webhook_deliveries', '');
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger webhook_notify_queued after insert on webhook_deliveries
    referencing new table as new_rows for each statement
    execute function webhook_notify_queued()`.execute(db);

  await sql`create function webhook_notify_due() returns trigger language plpgsql as $$
    begin
      perform pg_notify('webhook_deliveries', '');
      return null;
    end $$`.execute(db);
  // A redelivery is due now. A claim moves next_attempt_at past its lease and a failed
  // attempt to its retry, both later than now(): workers do not wake each other.
  await sql`create trigger webhook_notify_due after update of next_attempt_at
    on webhook_deliveries for each row
    when (new.status = 'pending' and new.next_attempt_at <= now())
    execute function webhook_notify_due()`.execute(db);
  // What a paused endpoint held back is due once it is resumed.
  await sql`create trigger webhook_notify_resumed after update of enabled
    on webhook_endpoints for each row
    when (new.enabled and not old.enabled)
    execute function webhook_notify_due()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger webhook_notify_resumed on webhook_endpoints`.execute(db);
  await sql`drop trigger webhook_notify_due on webhook_deliveries`.execute(db);
  await sql`drop trigger webhook_notify_queued on webhook_deliveries`.execute(db);
  await sql`drop function webhook_notify_due()`.execute(db);
  await sql`drop function webhook_notify_queued()`.execute(db);
}

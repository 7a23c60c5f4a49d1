import { type Kysely, sql } from "kysely";

/**
 * Background jobs of every kind (syncs, emails, checks later on) in one table that workers
 * drain with `FOR UPDATE SKIP LOCKED` and a lease, as webhook deliveries are (src/jobs).
 * Numbered 0012, past the numbers other branches of the time took (0010, 0011), so that no
 * installation ever meets an older migration after this one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("jobs")
    // Made here, not in Node: SQL (a trigger, a migration) may enqueue jobs too.
    .addColumn("id", "text", (c) =>
      c.primaryKey().defaultTo(sql`'job_' || replace(gen_random_uuid()::text, '-', '')`),
    )
    // Null for work that belongs to no account; claimed across accounts either way.
    .addColumn("account_id", "text", (c) => c.references("accounts.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("dedupe_key", "text")
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'running', 'done', 'failed')`),
    )
    .addColumn("run_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull().check(sql`max_attempts >= 1`))
    .addColumn("locked_until", "timestamptz")
    .addColumn("lease_token", "text")
    // When a worker must look at the job next: when it is due, or when its lease runs out.
    .addColumn("due_at", "timestamptz", (c) =>
      c.generatedAlwaysAs(sql`coalesce(locked_until, run_at)`).stored(),
    )
    .addColumn("last_error", "text")
    // What the handler says of its work while it runs: { done, total, phase }.
    .addColumn("progress", "jsonb")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .execute();
  // The workers' question: what is due? Finished jobs drop out.
  await sql`create index jobs_due on jobs (due_at) where status in ('pending', 'running')`.execute(
    db,
  );
  // "Do this once": a second enqueue with the key finds the first job.
  await sql`create unique index jobs_dedupe on jobs (kind, dedupe_key)`.execute(db);
  await sql`create index jobs_account on jobs (account_id, created_at)`.execute(db);
  // Pruning finished jobs by age.
  await sql`create index jobs_finished on jobs (finished_at) where status in ('done', 'failed')`.execute(
    db,
  );

  // Workers hear at once of new jobs, and of jobs made due (run again, released by a stopping
  // worker, moved): due now, they are claimed at once; due later, each worker sets its timer
  // by them. Not of a worker's own retry (running to pending, later): that worker already
  // knows, and the others need not wake for it. Polling stays as the safety net.
  await sql`create function jobs_notify_queued() returns trigger language plpgsql as $$
    begin
      if exists (select from new_rows) then
        perform pg_notify('jobs', '');
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger jobs_notify_queued after insert on jobs
    referencing new table as new_rows for each statement
    execute function jobs_notify_queued()`.execute(db);
  await sql`create function jobs_notify_due() returns trigger language plpgsql as $$
    begin
      perform pg_notify('jobs', '');
      return null;
    end $$`.execute(db);
  await sql`create trigger jobs_notify_due after update of run_at on jobs for each row
    when (new.status = 'pending' and (new.run_at <= now() or old.status <> 'running'))
    execute function jobs_notify_due()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table jobs`.execute(db);
  await sql`drop function jobs_notify_due()`.execute(db);
  await sql`drop function jobs_notify_queued()`.execute(db);
}

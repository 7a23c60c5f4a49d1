import { type Kysely, sql } from "kysely";

const KEY = "account_id, day, kind, reason_id, plan, test_mode, currency";

/** Rows of a transition table, shaped as rollup keys, each counting `sign`. */
function changes(table: "new_rows" | "old_rows", sign: 1 | -1): string {
  return `select ${sign} as sign, account_id, (created_at at time zone 'UTC')::date as day, kind,
            coalesce(reason_id, '') as reason_id, coalesce(plan, '') as plan, test_mode,
            coalesce(mrr_currency, '') as currency, mrr_amount
          from ${table} where not install_check`;
}

/** A trigger function adding the statement's changes to the rollups in one upsert. */
function applyFunction(name: string, source: string): string {
  return `
    create function ${name}() returns trigger language plpgsql as $$
    begin
      insert into event_rollups_daily as r (${KEY}, events, mrr_amount)
      select ${KEY}, sum(sign)::integer, coalesce(sum(sign * coalesce(mrr_amount, 0)), 0)
      from (${source}) changes
      group by ${KEY}
      order by ${KEY}
      on conflict (${KEY}) do update
        set events = r.events + excluded.events, mrr_amount = r.mrr_amount + excluded.mrr_amount;
      return null;
    end $$`;
}

const TRIGGERS = [
  {
    name: "event_rollups_insert",
    event: "insert",
    referencing: "new table as new_rows",
    source: changes("new_rows", 1),
  },
  {
    name: "event_rollups_update",
    event: "update",
    referencing: "old table as old_rows new table as new_rows",
    source: `${changes("new_rows", 1)} union all ${changes("old_rows", -1)}`,
  },
  {
    name: "event_rollups_delete",
    event: "delete",
    referencing: "old table as old_rows",
    source: changes("old_rows", -1),
  },
];

/**
 * Daily rollups for the insights dashboard: one row per account, day (UTC), kind, reason,
 * plan, test flag and currency. Statement-level triggers keep them equal to the events
 * table whatever writes it (ingest, API, billing sync, demo data), one upsert per statement
 * rather than per row, so a year of insights reads a few thousand rows instead of a
 * million. Install checks are kept out, as they are out of every number.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // "skip": the customer went on to cancel without answering; a "dismissal" closed the
  // dialog and cancelled nothing.
  await sql`alter table events drop constraint if exists events_kind_check`.execute(db);
  await sql`alter table events add constraint events_kind_check
    check (kind in ('answer', 'skip', 'dismissal'))`.execute(db);
  await db.schema.alterTable("events").addColumn("plan", "text").execute();

  await db.schema
    .createTable("event_rollups_daily")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("reason_id", "text", (c) => c.notNull())
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("test_mode", "boolean", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("events", "integer", (c) => c.notNull())
    .addColumn("mrr_amount", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("event_rollups_daily_pkey", KEY.split(", ") as never)
    .execute();

  for (const trigger of TRIGGERS) {
    await sql.raw(applyFunction(trigger.name, trigger.source)).execute(db);
    await sql
      .raw(
        `create trigger ${trigger.name} after ${trigger.event} on events
         referencing ${trigger.referencing} for each statement execute function ${trigger.name}()`,
      )
      .execute(db);
  }
  // Events stored before this migration.
  await sql
    .raw(
      `insert into event_rollups_daily (${KEY}, events, mrr_amount)
       select ${KEY}, count(*)::integer, coalesce(sum(mrr_amount), 0)
       from (${changes("new_rows", 1).replace("from new_rows", "from events")}) e
       group by ${KEY}`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const trigger of TRIGGERS) {
    await sql.raw(`drop trigger ${trigger.name} on events`).execute(db);
    await sql.raw(`drop function ${trigger.name}()`).execute(db);
  }
  await db.schema.dropTable("event_rollups_daily").execute();
  await db.schema.alterTable("events").dropColumn("plan").execute();
  await sql`alter table events drop constraint events_kind_check`.execute(db);
  await sql`alter table events add constraint events_kind_check
    check (kind in ('answer', 'dismissal'))`.execute(db);
}

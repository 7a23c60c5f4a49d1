import { sql } from "kysely";
import type { Database } from "../database.js";
import { decodeKeysetCursor, encodeKeysetCursor } from "../keyset-cursor.js";
import type { EventKind, EventRow } from "../schema.js";

export interface EventSearch {
  accountId: string;
  /** Words to find in comments; each matches as a prefix. */
  q?: string;
  reasonIds?: string[];
  customerOid?: string;
  kind?: EventKind;
  /** `YYYY-MM-DD`, inclusive (UTC). */
  from?: string;
  to?: string;
  includeTest?: boolean;
  /** Only test events (true) or only live ones (false); overrides `includeTest`. */
  testMode?: boolean;
  /** Only events with a comment. */
  withComment?: boolean;
}

export interface EventCursor {
  createdAt: Date;
  id: string;
}

/** The words of a search as a tsquery the database cannot misread: letters and digits only. */
export function prefixQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

export function encodeCursor(row: Pick<EventRow, "created_at" | "id">): string {
  return encodeKeysetCursor(row.created_at, row.id);
}

export function decodeCursor(cursor: string): EventCursor | null {
  const position = decodeKeysetCursor(cursor);
  return position && { createdAt: position.at, id: position.id };
}

/** The test flag a search requires, or undefined for both kinds. */
function testModeOf(search: EventSearch): boolean | undefined {
  return search.testMode ?? (search.includeTest ? undefined : false);
}

function searchQuery(db: Database, search: EventSearch) {
  let query = db.selectFrom("events").selectAll().where("account_id", "=", search.accountId);
  const testMode = testModeOf(search);
  if (testMode !== undefined) query = query.where("test_mode", "=", testMode);
  if (search.reasonIds?.length) query = query.where("reason_id", "in", search.reasonIds);
  if (search.customerOid) query = query.where("customer_oid", "=", search.customerOid);
  if (search.kind) query = query.where("kind", "=", search.kind);
  if (search.from) query = query.where("created_at", ">=", new Date(`${search.from}T00:00:00Z`));
  if (search.to) {
    const end = new Date(Date.parse(`${search.to}T00:00:00Z`) + 86_400_000);
    query = query.where("created_at", "<", end);
  }
  if (search.withComment) query = query.where("comment", "is not", null);
  const words = search.q ? prefixQuery(search.q) : null;
  if (words) {
    // Spelled as the partial index is, so the planner can use it.
    query = query
      .where("comment", "is not", null)
      .where(sql<boolean>`to_tsvector('simple', comment) @@ to_tsquery('simple', ${words})`);
  }
  return query;
}

function countRows(query: ReturnType<typeof searchQuery>): Promise<number> {
  return query
    .clearSelect()
    .select(sql<number>`count(*)::integer`.as("total"))
    .executeTakeFirstOrThrow()
    .then((row) => Number(row.total));
}

/**
 * The daily rollups' answer to a search made only of what they are keyed by (days, kind,
 * reason, test flag): a few hundred rows summed instead of up to millions of events
 * counted. They leave out the install check, which is added back when it matches.
 */
async function countFromRollups(db: Database, search: EventSearch): Promise<number> {
  let rollups = db
    .selectFrom("event_rollups_daily")
    .select(sql<number>`coalesce(sum(events), 0)::integer`.as("total"))
    .where("account_id", "=", search.accountId);
  const testMode = testModeOf(search);
  if (testMode !== undefined) rollups = rollups.where("test_mode", "=", testMode);
  if (search.reasonIds?.length) rollups = rollups.where("reason_id", "in", search.reasonIds);
  if (search.kind) rollups = rollups.where("kind", "=", search.kind);
  if (search.from) rollups = rollups.where("day", ">=", search.from);
  if (search.to) rollups = rollups.where("day", "<=", search.to);
  // Found by the account's pointer to it (a key lookup), not by scanning for the flag.
  const installCheck = searchQuery(db, search).where("id", "=", (eb) =>
    eb
      .selectFrom("accounts")
      .select("install_event_id")
      .where("accounts.id", "=", search.accountId),
  );
  const [summed, installed] = await Promise.all([
    rollups.executeTakeFirstOrThrow(),
    countRows(installCheck),
  ]);
  return Number(summed.total) + installed;
}

/** How many events a search finds, for page counts. */
export function countEvents(db: Database, search: EventSearch): Promise<number> {
  const byRollups = !search.q && !search.customerOid && !search.withComment;
  return byRollups ? countFromRollups(db, search) : countRows(searchQuery(db, search));
}

/** A page of events, newest first, after `cursor` or after skipping `offset` of them. */
export async function searchEvents(
  db: Database,
  search: EventSearch,
  page: { limit: number; cursor?: EventCursor | null; offset?: number },
): Promise<{ events: EventRow[]; nextCursor: string | null }> {
  let query = searchQuery(db, search);
  const cursor = page.cursor;
  if (cursor) {
    query = query.where((eb) =>
      eb.or([
        eb("created_at", "<", cursor.createdAt),
        eb.and([eb("created_at", "=", cursor.createdAt), eb("id", "<", cursor.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(page.limit + 1)
    .offset(page.offset ?? 0)
    .execute();
  const events = rows.slice(0, page.limit);
  const last = events.at(-1);
  return { events, nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null };
}

/** Every event of a search, newest first, a page at a time (exports). */
export async function* eachEvent(db: Database, search: EventSearch): AsyncGenerator<EventRow> {
  let cursor: EventCursor | null = null;
  for (;;) {
    const page = await searchEvents(db, search, { limit: 1000, cursor });
    yield* page.events;
    if (!page.nextCursor) return;
    cursor = decodeCursor(page.nextCursor);
  }
}

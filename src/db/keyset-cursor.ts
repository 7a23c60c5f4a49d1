import { type SelectQueryBuilder, sql } from "kysely";
import type { DB } from "./schema.js";

/** A position in a list ordered by a time, then an id: the last row of a page. */
export interface KeysetCursor {
  at: Date;
  id: string;
}

/** The opaque text a client passes back for the next page. */
export function encodeKeysetCursor(at: Date | string, id: string): string {
  return Buffer.from(`${new Date(at).toISOString()}|${id}`).toString("base64url");
}

/** The position a cursor names, or null for one this code did not make. */
export function decodeKeysetCursor(cursor: string): KeysetCursor | null {
  const [text, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const at = new Date(text ?? "");
  return id && !Number.isNaN(at.getTime()) ? { at, id } : null;
}

/**
 * One page of rows newest first (by `created_at`, then `id`), from after `page.cursor`, with
 * the cursor of the next page (null on the last). `query` selects the rows of one table, its
 * filters applied.
 */
export async function newestFirstPage<
  TB extends keyof DB,
  Row extends { created_at: Date; id: string },
>(
  query: SelectQueryBuilder<DB, TB, Row>,
  page: { limit: number; cursor?: string | null },
): Promise<{ rows: Row[]; nextCursor: string | null }> {
  const after = page.cursor ? decodeKeysetCursor(page.cursor) : null;
  const from = after
    ? query.where(sql<boolean>`(created_at, id) < (${after.at}::timestamptz, ${after.id}::text)`)
    : query;
  const found = await from
    .orderBy(sql`created_at`, "desc")
    .orderBy(sql`id`, "desc")
    .limit(page.limit + 1)
    .execute();
  const rows = found.slice(0, page.limit);
  const last = rows.at(-1);
  const more = found.length > page.limit && last;
  return { rows, nextCursor: more ? encodeKeysetCursor(last.created_at, last.id) : null };
}

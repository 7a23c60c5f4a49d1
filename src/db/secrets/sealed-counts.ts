import { sql } from "kysely";
import type { Database } from "../database.js";
import { columnName, SEALED_COLUMNS, type SealedColumn } from "./columns.js";
import { SEALED_PREFIX } from "./sealed-value.js";

export interface ColumnCounts {
  /** `table.column`. */
  column: string;
  /** Values sealed under each key id. */
  sealed: Record<string, number>;
  /** Values not sealed (from before sealing, until the next start seals them). */
  plaintext: number;
}

async function countColumn(db: Database, column: SealedColumn): Promise<ColumnCounts> {
  const value = sql.ref(column.column);
  const result = await sql<{ key_id: string | null; count: number }>`
    select case when ${value} like ${`${SEALED_PREFIX}%`} then split_part(${value}, ':', 3) end
             as key_id,
           count(*)::integer as count
    from ${sql.table(column.table)}
    where ${value} is not null
    group by 1
    order by 1`.execute(db);
  const counts: ColumnCounts = { column: columnName(column), sealed: {}, plaintext: 0 };
  for (const { key_id, count } of result.rows) {
    if (key_id === null) counts.plaintext = count;
    else counts.sealed[key_id] = count;
  }
  return counts;
}

/** How many values of each sealed column are sealed under which key, and how many are not. */
export async function countSealedValues(db: Database): Promise<ColumnCounts[]> {
  const counts: ColumnCounts[] = [];
  for (const column of SEALED_COLUMNS) counts.push(await countColumn(db, column));
  return counts;
}

/** Key ids that seal at least one value. */
export function keyIdsInUse(counts: readonly ColumnCounts[]): string[] {
  return [...new Set(counts.flatMap((c) => Object.keys(c.sealed)))].sort();
}

import { sql } from "kysely";
import type { Database } from "../database.js";
import { inTransaction } from "../transaction.js";
import { SEALED_COLUMNS, type SealedColumn } from "./columns.js";
import type { Keyring } from "./keyring.js";
import { SEALED_PREFIX, sealedPrefixOf } from "./sealed-value.js";
import { openFrom, sealIn } from "./store.js";

const BATCH = 500;

/**
 * Seals, under the keyring's sealing key, up to `limit` values of `column` that do not start
 * with `keep` (plaintext, or sealed under another key); returns how many. The rows stay locked
 * until the caller's transaction ends, so a concurrent write is neither lost nor undone.
 */
async function resealBatch(
  trx: Database,
  keyring: Keyring,
  column: SealedColumn,
  keep: string,
  limit: number,
): Promise<number> {
  const value = sql.ref(column.column);
  const rowKey = sql.join(column.rowKey.map((name) => sql.ref(name)));
  const found = await sql<Record<string, string> & { stored: string }>`
    select ${rowKey}, ${value} as stored
    from ${sql.table(column.table)}
    where ${value} is not null and ${value} not like ${`${keep}%`}
    order by ${rowKey}
    limit ${limit}
    for update`.execute(trx);
  for (const row of found.rows) {
    const sealed = sealIn(keyring, column, row, openFrom(keyring, column, row, row.stored));
    const sameRow = sql.join(
      column.rowKey.map((name) => sql`${sql.ref(name)} = ${row[name]}`),
      sql` and `,
    );
    await sql`update ${sql.table(column.table)} set ${value} = ${sealed} where ${sameRow}`.execute(
      trx,
    );
  }
  return found.rows.length;
}

/**
 * Seals every plaintext value of the sealed columns (from before sealing), in the caller's
 * transaction: done once after the upgrade, a no-op after that. Returns how many.
 */
export async function sealPlaintext(trx: Database, keyring: Keyring): Promise<number> {
  let total = 0;
  for (const column of SEALED_COLUMNS) {
    for (;;) {
      const done = await resealBatch(trx, keyring, column, SEALED_PREFIX, BATCH);
      total += done;
      if (done < BATCH) break;
    }
  }
  return total;
}

/**
 * Re-seals every value not sealed under the keyring's sealing key (`secrets rotate`), a batch
 * per transaction, so that servers keep working beside it. Interrupted, it picks up where it
 * stopped when run again. Returns how many values it re-sealed.
 */
export async function resealUnderSealingKey(
  db: Database,
  keyring: Keyring,
  batch = BATCH,
): Promise<number> {
  const keep = sealedPrefixOf(keyring.sealingKeyId);
  let total = 0;
  for (const column of SEALED_COLUMNS) {
    for (;;) {
      const done = await inTransaction(db, (trx) => resealBatch(trx, keyring, column, keep, batch));
      total += done;
      if (done < batch) break;
    }
  }
  return total;
}

import type { Transaction } from "kysely";
import type { Database } from "./database.js";
import type { DB } from "./schema.js";

/**
 * Runs `work` in a transaction, or in the caller's when `db` is one already: repositories
 * built over a transaction compose into the caller's unit of work.
 */
export function inTransaction<T>(
  db: Database,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DB>) : db.transaction().execute(work);
}

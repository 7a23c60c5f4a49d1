import type { Database } from "../database.js";
import type { Reason } from "../schema.js";

export function createReasonsRepository(db: Database) {
  return {
    /** Reasons in display order; archived ones only when asked for (history, validation). */
    list(accountId: string, options: { includeArchived?: boolean } = {}): Promise<Reason[]> {
      let query = db.selectFrom("reasons").selectAll().where("account_id", "=", accountId);
      if (!options.includeArchived) query = query.where("archived_at", "is", null);
      return query.orderBy("sort_key").orderBy("created_at").orderBy("id").execute();
    },
  };
}

export type ReasonsRepository = ReturnType<typeof createReasonsRepository>;

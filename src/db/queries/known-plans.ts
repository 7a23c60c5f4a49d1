import type { Database } from "../database.js";

/** The plans an account's cancellations were on, for the dashboard's plan filter. */
export async function knownPlans(db: Database, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("event_rollups_daily")
    .select("plan")
    .distinct()
    .where("account_id", "=", accountId)
    .where("plan", "<>", "")
    .orderBy("plan")
    .execute();
  return rows.map((r) => r.plan);
}

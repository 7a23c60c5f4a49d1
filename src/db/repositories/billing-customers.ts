import { sql } from "kysely";
import type { Database } from "../database.js";
import type { BillingCustomerRow } from "../schema.js";

/** A customer as the sync maps it from the provider's. */
export interface NewBillingCustomer {
  connection_id: string;
  id: string;
  account_id: string;
  test_mode: boolean;
  email: string | null;
  name: string | null;
  created: Date | null;
  deleted: boolean;
  raw: unknown;
}

/**
 * A deleted customer, as providers describe it, is its id alone: what was known of it stays,
 * and it stays deleted (a late, older copy does not bring it back).
 */
const keptWhenDeleted = <T>(column: "email" | "name" | "created" | "raw") =>
  sql<T>`case when excluded.deleted then billing_customers.${sql.raw(column)}
    else excluded.${sql.raw(column)} end`;

/** The last of each id: a page repeating an object would otherwise fail the statement. */
function lastOfEachId<T extends { id: string }>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()];
}

export function createBillingCustomersRepository(db: Database) {
  return {
    /** Stores a page of customers in one statement; the same page twice leaves the same rows. */
    async upsertMany(rows: readonly NewBillingCustomer[]): Promise<number> {
      if (rows.length === 0) return 0;
      const result = await db
        .insertInto("billing_customers")
        .values(lastOfEachId(rows).map((row) => ({ ...row, raw: JSON.stringify(row.raw) })))
        .onConflict((oc) =>
          oc.columns(["connection_id", "id"]).doUpdateSet({
            email: keptWhenDeleted<string | null>("email"),
            name: keptWhenDeleted<string | null>("name"),
            created: keptWhenDeleted<Date | null>("created"),
            raw: keptWhenDeleted<string>("raw"),
            deleted: sql<boolean>`billing_customers.deleted or excluded.deleted`,
            synced_at: sql<Date>`now()`,
          }),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },

    get(
      accountId: string,
      connectionId: string,
      id: string,
    ): Promise<BillingCustomerRow | undefined> {
      return db
        .selectFrom("billing_customers")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("connection_id", "=", connectionId)
        .where("id", "=", id)
        .executeTakeFirst();
    },

    /**
     * Whether any connection of the account, disconnected ones included, knows the customer in
     * this mode: an answer naming none has a `customer_oid` the install got wrong.
     */
    async existsForAccount(
      accountId: string,
      customerId: string,
      testMode: boolean,
    ): Promise<boolean> {
      const found = await db
        .selectFrom("billing_customers")
        .select("id")
        .where("account_id", "=", accountId)
        .where("id", "=", customerId)
        .where("test_mode", "=", testMode)
        .limit(1)
        .executeTakeFirst();
      return found !== undefined;
    },
  };
}

export type BillingCustomersRepository = ReturnType<typeof createBillingCustomersRepository>;

import { sql } from "kysely";
import type { Database } from "../database.js";
import { newId } from "../ids.js";
import type { OfferAcceptance, OfferAcceptancesTable } from "../schema.js";

export type NewOfferAcceptance = Omit<OfferAcceptancesTable, "id" | "account_id" | "created_at">;

/** Postgres' unique violation: the token was accepted meanwhile by another request. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === "23505";
}

export function createOfferAcceptancesRepository(db: Database) {
  return {
    /**
     * Records an accept, a failure or a holdout. Null when the token already has an applied
     * accept (a replay racing the first): the caller refuses it.
     */
    async record(accountId: string, row: NewOfferAcceptance): Promise<OfferAcceptance | null> {
      try {
        return await db
          .insertInto("offer_acceptances")
          .values({ id: newId("ofa"), account_id: accountId, ...row })
          .returningAll()
          .executeTakeFirstOrThrow();
      } catch (error) {
        if (isUniqueViolation(error)) return null;
        throw error;
      }
    },

    /** The customer's applied accepts, newest first: what the eligibility rules look at. */
    appliedForCustomer(accountId: string, customerId: string): Promise<OfferAcceptance[]> {
      return db
        .selectFrom("offer_acceptances")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("customer_id", "=", customerId)
        .where("result", "=", "applied")
        .orderBy("created_at", "desc")
        .execute();
    },

    /** Whether this token was accepted (applied) already. */
    async tokenUsed(accountId: string, tokenId: string): Promise<boolean> {
      const found = await db
        .selectFrom("offer_acceptances")
        .select(sql<number>`1`.as("one"))
        .where("account_id", "=", accountId)
        .where("token_id", "=", tokenId)
        .where("result", "=", "applied")
        .executeTakeFirst();
      return found !== undefined;
    },
  };
}

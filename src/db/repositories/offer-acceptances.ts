import { type Insertable, sql } from "kysely";
import type { Database } from "../database.js";
import { newId } from "../ids.js";
import type { OfferAcceptance, OfferAcceptancesTable, SaveStatus } from "../schema.js";

/** A new row; the save's due time is the account's window from now, when it is `pending`. */
export type NewOfferAcceptance = Omit<
  Insertable<OfferAcceptancesTable>,
  | "id"
  | "account_id"
  | "created_at"
  | "save_due_at"
  | "save_decided_at"
  | "save_reason"
  | "saved_mrr_amount"
  | "saved_mrr_currency"
  | "save_invoice_id"
>;

/** What proving a save concluded (src/offers/save-decision.ts). */
export interface SaveVerdict {
  status: Exclude<SaveStatus, "pending">;
  reason: string;
  savedMrr: { amount: number; currency: string } | null;
  invoiceId: string | null;
}

export function createOfferAcceptancesRepository(db: Database) {
  return {
    /**
     * Records an offer shown, an accept, a failure or a holdout. Null when the token already
     * has an applied accept (a replay racing the first): the caller refuses it.
     */
    async record(accountId: string, row: NewOfferAcceptance): Promise<OfferAcceptance | null> {
      const dueAt =
        row.save_status === "pending"
          ? sql<Date>`(select now() + offer_save_days * interval '1 day'
              from accounts where id = ${accountId})`
          : null;
      const recorded = await db
        .insertInto("offer_acceptances")
        .values({ id: newId("ofa"), account_id: accountId, ...row, save_due_at: dueAt })
        .onConflict((oc) =>
          oc.columns(["account_id", "token_id"]).where("result", "=", "applied").doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
      return recorded ?? null;
    },

    find(accountId: string, id: string): Promise<OfferAcceptance | undefined> {
      return db
        .selectFrom("offer_acceptances")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
    },

    /**
     * Settles a pending save; undefined when it was settled already (another worker ran the
     * same check), so that whatever follows a decision happens once.
     */
    decideSave(
      accountId: string,
      id: string,
      verdict: SaveVerdict,
    ): Promise<OfferAcceptance | undefined> {
      return db
        .updateTable("offer_acceptances")
        .set({
          save_status: verdict.status,
          save_reason: verdict.reason,
          save_decided_at: sql<Date>`now()`,
          saved_mrr_amount: verdict.savedMrr?.amount ?? null,
          saved_mrr_currency: verdict.savedMrr?.currency ?? null,
          save_invoice_id: verdict.invoiceId,
        })
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .where("save_status", "=", "pending")
        .returningAll()
        .executeTakeFirst();
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

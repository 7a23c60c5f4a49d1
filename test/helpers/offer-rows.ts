import type { Database } from "../../src/db/database.js";
import { newId } from "../../src/db/ids.js";
import type { Repositories } from "../../src/db/repositories/index.js";
import type { OfferResult } from "../../src/db/schema.js";
import { cancellation } from "../db/cancellations/fixtures.js";

/**
 * Offer history as the widget's routes and the sync write it, dated as a test needs: for
 * the figures and the lift, which look back over a save window.
 */
export function offerRows(db: () => Database, repos: () => Repositories) {
  /** A row of `offer_acceptances` (an applied one is a pending save), dated `at`. */
  async function exposure(
    accountId: string,
    customer: string,
    result: OfferResult,
    at: Date,
    fields: { offerId?: string; testMode?: boolean } = {},
  ): Promise<string> {
    const id = newId("ofa");
    await db()
      .insertInto("offer_acceptances")
      .values({
        id,
        account_id: accountId,
        offer_id: fields.offerId ?? "ofr_1",
        offer_kind: "discount",
        connection_id: null,
        customer_id: customer,
        subscription_id: `sub_${customer}`,
        test_mode: fields.testMode ?? false,
        token_id: null,
        result,
        error_code: null,
        save_status: result === "applied" ? "pending" : null,
        created_at: at,
      })
      .execute();
    return id;
  }

  /** The customer asks to cancel at `at`; `reactivated`: and takes it back. */
  async function cancels(accountId: string, customer: string, at: Date, reactivated = false) {
    const recorded = await repos().cancellations.record(
      cancellation(accountId, {
        customer_id: customer,
        subscription_id: `sub_${customer}`,
        requested_at: at,
      }),
    );
    if (reactivated) {
      await repos().cancellations.reactivate({
        account_id: accountId,
        connection_id: recorded.cancellation.connection_id,
        subscription_id: `sub_${customer}`,
      });
    }
  }

  /** Settles an applied accept as saved, with this MRR. */
  function saved(accountId: string, id: string, mrr: { amount: number; currency: string }) {
    return repos().offerAcceptances.decideSave(accountId, id, {
      status: "saved",
      reason: "invoice_paid",
      savedMrr: mrr,
      invoiceId: "in_1",
    });
  }

  return { exposure, cancels, saved };
}

import type { WebhookRetention } from "../contract/webhooks.js";
import type { OfferAcceptance } from "../db/schema.js";

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** An accepted offer as `retention.*` webhooks carry it. */
export function toWebhookRetention(row: OfferAcceptance): WebhookRetention {
  const savedMrr =
    row.saved_mrr_amount !== null && row.saved_mrr_currency !== null
      ? { amount: row.saved_mrr_amount, currency: row.saved_mrr_currency }
      : null;
  return {
    acceptance_id: row.id,
    offer_id: row.offer_id,
    offer_kind: row.offer_kind,
    customer_oid: row.customer_id,
    subscription_oid: row.subscription_id,
    test_mode: row.test_mode,
    accepted_at: iso(row.created_at),
    save: {
      status: row.save_status,
      due_at: isoOrNull(row.save_due_at),
      decided_at: isoOrNull(row.save_decided_at),
      saved_mrr: savedMrr,
      invoice_oid: row.save_invoice_id,
    },
  };
}

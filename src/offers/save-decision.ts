import { type MrrOptions, mrr } from "../billing/mrr.js";
import type { BillingInvoice, BillingSubscription } from "../billing/provider.js";

/** What the provider says at the check: the subscription now, and its first charged invoice. */
export interface SaveEvidence {
  /** Null when the provider no longer has it. */
  subscription: BillingSubscription | null;
  /** The first invoice since the accept that asks for money; null while there is none. */
  invoice: BillingInvoice | null;
}

export type SaveDecision =
  | {
      status: "pending";
      /** `window_open`, `no_invoice_yet` or `invoice_unpaid_yet`: asked again later. */
      reason: string;
    }
  | {
      status: "saved";
      reason: "invoice_paid";
      savedMrr: { amount: number; currency: string };
      invoiceId: string;
    }
  | {
      status: "lost";
      reason: "subscription_missing" | "canceled" | "cancel_scheduled" | "invoice_unpaid";
      savedMrr: null;
      invoiceId: string | null;
    };

const lost = (
  reason: Extract<SaveDecision, { status: "lost" }>["reason"],
  invoiceId: string | null = null,
): SaveDecision => ({ status: "lost", reason, savedMrr: null, invoiceId });

/**
 * Whether an accepted offer kept the customer (issue 13's proof of saves). Nothing is decided
 * before the validation window ends. Then:
 * - ended, gone, or set to cancel (at period end or at a date): lost;
 * - the first invoice since the accept that asks for money paid: saved, with the
 *   subscription's MRR now;
 * - that invoice voided or marked uncollectible (the provider gave up collecting): lost;
 * - no such invoice yet (a pause, a longer trial, a yearly plan), or one still being
 *   collected: pending, asked again later. The customer has neither left nor paid: it is
 *   not a save yet, and a failed collection ends in one of the outcomes above (the provider
 *   cancels the subscription or gives up on the invoice).
 */
export function decideSave(
  dueAt: Date,
  evidence: SaveEvidence,
  now: Date,
  mrrOptions: MrrOptions = {},
): SaveDecision {
  if (now < dueAt) return { status: "pending", reason: "window_open" };
  const { subscription, invoice } = evidence;
  if (!subscription) return lost("subscription_missing");
  if (
    subscription.status === "canceled" ||
    subscription.status === "incomplete_expired" ||
    subscription.endedAt !== null
  ) {
    return lost("canceled");
  }
  if (subscription.cancelAtPeriodEnd || subscription.cancelAt !== null) {
    return lost("cancel_scheduled");
  }
  if (!invoice) return { status: "pending", reason: "no_invoice_yet" };
  if (invoice.status === "void" || invoice.status === "uncollectible") {
    return lost("invoice_unpaid", invoice.id);
  }
  if (invoice.status !== "paid") return { status: "pending", reason: "invoice_unpaid_yet" };
  const asOf = Math.floor(now.getTime() / 1000);
  return {
    status: "saved",
    reason: "invoice_paid",
    savedMrr: mrr(subscription, { ...mrrOptions, asOf }),
    invoiceId: invoice.id,
  };
}

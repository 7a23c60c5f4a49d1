import type Stripe from "stripe";
import type { BillingInvoice, InvoiceStatus } from "../provider.js";
import type { StripeConnection } from "./connection.js";

const STATUSES: readonly InvoiceStatus[] = ["draft", "open", "paid", "void", "uncollectible"];

export function mapInvoice(invoice: Stripe.Invoice): BillingInvoice {
  const subscription = invoice.parent?.subscription_details?.subscription ?? null;
  const status = STATUSES.find((known) => known === invoice.status) ?? "draft";
  return {
    id: invoice.id ?? "",
    subscriptionId: typeof subscription === "string" ? subscription : (subscription?.id ?? null),
    status,
    amountDue: invoice.amount_due,
    currency: invoice.currency,
    created: invoice.created,
  };
}

/**
 * Stripe lists newest first, so the first invoice since a time is the last one listed: a
 * validation window holds a few invoices, one page nearly always, but the walk goes on while
 * Stripe says there are more.
 */
export async function firstChargedInvoiceSince(
  connection: StripeConnection,
  subscriptionId: string,
  since: number,
  signal?: AbortSignal,
): Promise<BillingInvoice | null> {
  let first: Stripe.Invoice | null = null;
  let after: string | undefined;
  for (;;) {
    const params: Stripe.InvoiceListParams = {
      subscription: subscriptionId,
      created: { gte: since },
      limit: 100,
      ...(after === undefined ? {} : { starting_after: after }),
    };
    const page = await connection.call(() => connection.stripe.invoices.list(params), signal);
    for (const invoice of page.data) {
      if (invoice.amount_due > 0) first = invoice;
    }
    const last = page.data.at(-1);
    if (!page.has_more || !last?.id) break;
    after = last.id;
  }
  return first ? mapInvoice(first) : null;
}

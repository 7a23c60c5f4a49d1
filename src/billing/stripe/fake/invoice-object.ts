import type Stripe from "stripe";

export interface InvoiceInput {
  id: string;
  created: number;
  subscription: Stripe.Subscription;
  /** Minor units; 0 for a trial's or a fully discounted period's invoice. */
  amountDue: number;
  status: Stripe.Invoice.Status;
}

/**
 * A subscription's invoice as the API returns it (one line, no tax), typed with the SDK's
 * own type so the compiler holds it to Stripe's shape. Its status moves on with
 * `settleInvoice`, as paying or giving up on it would.
 */
export function invoiceObject(input: InvoiceInput, livemode: boolean): Stripe.Invoice {
  const { subscription, amountDue } = input;
  const paid = input.status === "paid";
  const periodEnd = subscription.items.data[0]?.current_period_end ?? input.created;
  return {
    id: input.id,
    object: "invoice",
    account_country: "US",
    account_name: "Fake Stripe account",
    account_tax_ids: null,
    amount_due: amountDue,
    amount_overpaid: 0,
    amount_paid: paid ? amountDue : 0,
    amount_remaining: paid ? 0 : amountDue,
    amount_shipping: 0,
    application: null,
    attempt_count: input.status === "draft" ? 0 : 1,
    attempted: input.status !== "draft",
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: null,
    billing_reason: "subscription_cycle",
    collection_method: "charge_automatically",
    created: input.created,
    currency: subscription.currency,
    custom_fields: null,
    customer: subscription.customer,
    customer_account: null,
    customer_address: null,
    customer_email: null,
    customer_name: null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: input.status === "draft" ? null : input.created,
    ending_balance: input.status === "draft" ? null : 0,
    footer: null,
    from_invoice: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: [], has_more: false, url: `/v1/invoices/${input.id}/lines` },
    livemode,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: {}, subscription: subscription.id },
      type: "subscription_details",
    },
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    period_end: periodEnd,
    period_start: input.created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: input.status,
    status_transitions: {
      finalized_at: input.status === "draft" ? null : input.created,
      marked_uncollectible_at: null,
      paid_at: paid ? input.created : null,
      voided_at: null,
    },
    subtotal: amountDue,
    subtotal_excluding_tax: amountDue,
    test_clock: null,
    total: amountDue,
    total_discount_amounts: [],
    total_excluding_tax: amountDue,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: input.created,
  };
}

/** The invoice after it was paid, voided or marked uncollectible at `at`. */
export function settledInvoice(
  invoice: Stripe.Invoice,
  status: "paid" | "void" | "uncollectible",
  at: number,
): Stripe.Invoice {
  const transitions = { ...invoice.status_transitions };
  if (status === "paid") transitions.paid_at = at;
  if (status === "void") transitions.voided_at = at;
  if (status === "uncollectible") transitions.marked_uncollectible_at = at;
  const paid = status === "paid";
  return {
    ...invoice,
    status,
    status_transitions: transitions,
    amount_paid: paid ? invoice.amount_due : 0,
    amount_remaining: paid ? 0 : invoice.amount_due,
  };
}

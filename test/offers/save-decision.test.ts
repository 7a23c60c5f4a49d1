import { describe, expect, it } from "vitest";
import type { BillingInvoice, BillingSubscription } from "../../src/billing/provider.js";
import { decideSave } from "../../src/offers/save-decision.js";
import { subscription } from "../billing/normalized.js";

const DAY = 86_400_000;
const due = new Date("2026-04-01T00:00:00Z");
const after = new Date(due.getTime() + DAY);

const active = subscription();
const invoice = (status: BillingInvoice["status"]): BillingInvoice => ({
  id: "in_1",
  subscriptionId: active.id,
  status,
  amountDue: 1000,
  currency: "usd",
  created: 0,
});
const withChanges = (changes: Partial<BillingSubscription>) => subscription(changes);

describe("deciding a save", () => {
  const cases: [string, BillingSubscription | null, BillingInvoice | null, string, string][] = [
    ["active, next invoice paid", active, invoice("paid"), "saved", "invoice_paid"],
    ["gone at the provider", null, invoice("paid"), "lost", "subscription_missing"],
    ["canceled", withChanges({ status: "canceled" }), invoice("paid"), "lost", "canceled"],
    ["ended", withChanges({ endedAt: 1 }), null, "lost", "canceled"],
    [
      "set to cancel at period end",
      withChanges({ cancelAtPeriodEnd: true }),
      invoice("paid"),
      "lost",
      "cancel_scheduled",
    ],
    ["set to cancel at a date", withChanges({ cancelAt: 5 }), null, "lost", "cancel_scheduled"],
    ["invoice voided", active, invoice("void"), "lost", "invoice_unpaid"],
    ["invoice uncollectible", active, invoice("uncollectible"), "lost", "invoice_unpaid"],
    ["invoice still open", active, invoice("open"), "pending", "invoice_unpaid_yet"],
    ["invoice a draft", active, invoice("draft"), "pending", "invoice_unpaid_yet"],
    ["no invoice yet", active, null, "pending", "no_invoice_yet"],
  ];
  it.each(cases)("%s: %s", (_, sub, inv, status, reason) => {
    expect(decideSave(due, { subscription: sub, invoice: inv }, after)).toMatchObject({
      status,
      reason,
    });
  });

  it("decides nothing before the window ends, whatever the provider says", () => {
    const early = new Date(due.getTime() - 1);
    for (const [, sub, inv] of cases) {
      expect(decideSave(due, { subscription: sub, invoice: inv }, early)).toEqual({
        status: "pending",
        reason: "window_open",
      });
    }
    expect(decideSave(due, { subscription: active, invoice: invoice("paid") }, due).status).toBe(
      "saved",
    );
  });

  it("counts the subscription's MRR when saved, and the invoice that proved it", () => {
    expect(decideSave(due, { subscription: active, invoice: invoice("paid") }, after)).toEqual({
      status: "saved",
      reason: "invoice_paid",
      // The normalized subscription's one item: 10.00 a month.
      savedMrr: { amount: 1000, currency: "usd" },
      invoiceId: "in_1",
    });
  });
});

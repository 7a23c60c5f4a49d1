import type { Static } from "typebox";
import type { CustomerBillingReply } from "../contract/cancellations.js";
import type { BreakdownRow } from "../db/queries/cancellation-breakdowns.js";
import type { CustomerBilling } from "../db/queries/customer-billing.js";

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

export function toApiBreakdown<K extends string>(rows: BreakdownRow<K>[]) {
  return rows.map((row) => ({
    key: row.key,
    cancellations: row.cancellations,
    lost_mrr: row.lostMrr,
  }));
}

export function toApiCustomerBilling(
  billing: CustomerBilling,
): Static<typeof CustomerBillingReply> {
  return {
    subscriptions: billing.subscriptions.map((s) => ({
      id: s.id,
      test_mode: s.test_mode,
      status: s.status,
      mrr: { amount: s.mrr_amount, currency: s.currency },
      plan: s.plan,
      created_at: isoOrNull(s.created),
      current_period_end: isoOrNull(s.current_period_end),
      cancel_at: isoOrNull(
        s.cancel_at ?? (s.cancel_at_period_end && !s.ended_at ? s.current_period_end : null),
      ),
      ended_at: isoOrNull(s.ended_at),
    })),
    cancellations: billing.cancellations.map((c) => ({
      id: c.id,
      subscription_id: c.subscription_id,
      test_mode: c.test_mode,
      path: c.path,
      timing: c.timing,
      voluntary: c.voluntary,
      state: c.state,
      requested_at: iso(c.requested_at),
      ends_at: isoOrNull(c.ends_at),
      reactivated_at: isoOrNull(c.reactivated_at),
      lost_mrr:
        c.lost_mrr_amount === null || c.lost_mrr_currency === null
          ? null
          : { amount: c.lost_mrr_amount, currency: c.lost_mrr_currency },
      plan: c.plan,
      provider_feedback: c.provider_feedback,
      provider_comment: c.provider_comment,
      reason_id: c.reason_id,
      reason_source: c.reason_source,
      owner_reason_id: c.owner_reason_id,
      answer_reason_id: c.answer_reason_id,
      answered: c.answered,
    })),
  };
}

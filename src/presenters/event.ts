import type { ApiEvent, V1Event } from "../contract/event.js";
import type { CancelledSubscription } from "../db/repositories/cancellation-answers.js";
import type { EventRow } from "../db/schema.js";

export function toApiEvent(row: EventRow): ApiEvent {
  return {
    id: row.id,
    kind: row.kind,
    source: row.source,
    reason_id: row.reason_id,
    reason: row.reason_text,
    comment: row.comment,
    customer_oid: row.customer_oid,
    subscription_oids: row.subscription_oids,
    test_mode: row.test_mode,
    install_check: row.install_check,
    locale: row.locale,
    plan: row.plan,
    mrr:
      row.mrr_amount === null || row.mrr_currency === null
        ? null
        : { amount: Number(row.mrr_amount), currency: row.mrr_currency },
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** The one value all of `values` share, else null. */
function shared<T>(values: T[]): T | null {
  const [first] = values;
  return first !== undefined && values.every((v) => v === first) ? first : null;
}

/** What the cancelled subscriptions lose together, when it is known in one currency. */
function totalMrr(cancelled: CancelledSubscription[]): ApiEvent["mrr"] {
  const currency = shared(cancelled.map((s) => s.mrr?.currency));
  if (!currency) return null;
  return { amount: cancelled.reduce((sum, s) => sum + (s.mrr?.amount ?? 0), 0), currency };
}

/**
 * Baremetrics' `subscriptions`: the event's own ids, then those it was linked to by time,
 * each with the MRR its cancellation loses where known (Baremetrics' integer `mrr`).
 */
function subscriptionsOf(
  oids: string[],
  cancelled: CancelledSubscription[],
): V1Event["subscriptions"] {
  const ids = [...new Set([...oids, ...cancelled.map((s) => s.id)])];
  return ids.map((oid) => {
    const mrr = cancelled.find((s) => s.id === oid)?.mrr;
    return mrr ? { oid, mrr: mrr.amount, currency: mrr.currency } : { oid };
  });
}

/**
 * An event as the REST API, webhooks and exports show it, with the cancellations it explains
 * (`cancelledSubscriptions`, from the links; none when the caller has not looked them up).
 */
export function toV1Event(
  row: EventRow,
  cancelledSubscriptions: CancelledSubscription[] = [],
): V1Event {
  const { reason, created_at, mrr, plan, ...fields } = toApiEvent(row);
  return {
    ...fields,
    reason: row.reason_id !== null && reason !== null ? { id: row.reason_id, text: reason } : null,
    reason_text: reason,
    customer: { oid: row.customer_oid },
    subscriptions: subscriptionsOf(row.subscription_oids, cancelledSubscriptions),
    mrr: mrr ?? totalMrr(cancelledSubscriptions),
    plan: plan ?? shared(cancelledSubscriptions.map((s) => s.plan)),
    cancelled_subscriptions: cancelledSubscriptions,
    created_at: Math.floor(Date.parse(created_at) / 1000),
    created_at_iso: created_at,
  };
}

import type { ApiEvent, V1Event } from "../contract/event.js";
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

export function toV1Event(row: EventRow): V1Event {
  const { reason, created_at, ...shared } = toApiEvent(row);
  return {
    ...shared,
    reason: row.reason_id !== null && reason !== null ? { id: row.reason_id, text: reason } : null,
    reason_text: reason,
    customer: { oid: row.customer_oid },
    subscriptions: row.subscription_oids.map((oid) => ({ oid })),
    created_at: Math.floor(Date.parse(created_at) / 1000),
    created_at_iso: created_at,
  };
}

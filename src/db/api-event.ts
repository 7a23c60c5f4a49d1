import { type Static, Type } from "typebox";
import type { EventRow } from "./schema.js";

/** An event as the widget, the REST API and `export` show it. */
export const ApiEvent = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal("answer"), Type.Literal("skip"), Type.Literal("dismissal")]),
  source: Type.Union([Type.Literal("widget"), Type.Literal("api")]),
  reason_id: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  comment: Type.Union([Type.String(), Type.Null()]),
  customer_oid: Type.String(),
  subscription_oids: Type.Array(Type.String()),
  test_mode: Type.Boolean(),
  install_check: Type.Boolean(),
  locale: Type.Union([Type.String(), Type.Null()]),
  plan: Type.Union([Type.String(), Type.Null()]),
  mrr: Type.Union([Type.Object({ amount: Type.Integer(), currency: Type.String() }), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
});
export type ApiEvent = Static<typeof ApiEvent>;

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

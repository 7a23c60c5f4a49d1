import { type Static, Type } from "typebox";

/** An event as the widget, the REST API and `export` show it. */
export const ApiEvent = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal("answer"), Type.Literal("skip"), Type.Literal("dismissal")]),
  source: Type.Union([Type.Literal("widget"), Type.Literal("api"), Type.Literal("email")]),
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

/** Monthly recurring revenue in integer minor units of its currency, or null when unknown. */
const Mrr = Type.Union([
  Type.Object({ amount: Type.Integer(), currency: Type.String() }),
  Type.Null(),
]);

/**
 * The event as the REST API, webhooks and `export` show it: Baremetrics' fields (`reason` an
 * object, `created_at` Unix seconds, `customer`, `subscriptions`) and all of ours, with
 * our two different forms as `reason_text` and `created_at_iso`.
 */
const {
  reason: _reasonText,
  created_at: _createdAtIso,
  ...sharedEventFields
} = ApiEvent.properties;

/** An example v1 event (OpenAPI document, docs). */
export const EVENT_EXAMPLE = {
  id: "evt_9QhM2xWc7Rk1Tn5Vb3Lp0s",
  kind: "answer",
  source: "api",
  reason_id: "rsn_4x1mK0k2Zq8nP3d7Lw9aBc",
  reason: { id: "rsn_4x1mK0k2Zq8nP3d7Lw9aBc", text: "Too expensive" },
  reason_text: "Too expensive",
  comment: "We only need it in the busy season.",
  customer_oid: "cus_NffrFeUfNV2Hib",
  customer: { oid: "cus_NffrFeUfNV2Hib" },
  subscription_oids: ["sub_1MowQVLkdIwHu7ix"],
  subscriptions: [{ oid: "sub_1MowQVLkdIwHu7ix" }],
  cancelled_subscriptions: [
    { id: "sub_1MowQVLkdIwHu7ix", mrr: { amount: 4900, currency: "usd" }, plan: "Pro" },
  ],
  test_mode: false,
  install_check: false,
  locale: null,
  plan: "Pro",
  mrr: { amount: 4900, currency: "usd" },
  created_at: 1767225600,
  created_at_iso: "2026-01-01T00:00:00.000Z",
};

export const V1Event = Type.Object(
  {
    ...sharedEventFields,
    reason: Type.Union([Type.Object({ id: Type.String(), text: Type.String() }), Type.Null()], {
      description: "Baremetrics' form: the reason as the customer saw it (text at the time).",
    }),
    reason_text: Type.Union([Type.String(), Type.Null()], {
      description: "The reason's text at the time (`reason` in the widget's data and exports).",
    }),
    customer: Type.Object({ oid: Type.String() }, { description: "Baremetrics' form." }),
    subscriptions: Type.Array(
      Type.Object({
        oid: Type.String(),
        mrr: Type.Optional(
          Type.Integer({
            description:
              "Baremetrics' field: the MRR its cancellation loses, monthly, minor units of `currency`; present once the billing sync knows it.",
          }),
        ),
        currency: Type.Optional(Type.String({ description: "Of `mrr`, lower case ISO 4217." })),
      }),
      {
        description:
          "Baremetrics' form of `subscription_oids`, then any other subscription the answer was linked to, each with its MRR when known.",
      },
    ),
    mrr: {
      ...Mrr,
      description:
        "MRR at stake, monthly, minor units: the event's own, else the sum of its cancelled subscriptions' when they share a currency.",
    },
    plan: Type.Union([Type.String(), Type.Null()], {
      description:
        "The plan being cancelled: the event's own, else its cancelled subscriptions' when they share one.",
    }),
    cancelled_subscriptions: Type.Array(
      Type.Object({
        id: Type.String({ description: "The provider's subscription id." }),
        mrr: { ...Mrr, description: "The MRR its cancellation loses, from before the change." },
        plan: Type.Union([Type.String(), Type.Null()]),
      }),
      {
        description:
          "The cancellations this answer explains (linked by `subscription_oids`, else by " +
          "the customer's cancellations near it in time), oldest first; empty when none. Beside " +
          "`subscriptions`, whose items keep Baremetrics' shape.",
      },
    ),
    created_at: Type.Integer({ description: "Unix time in seconds (Baremetrics' form)." }),
    created_at_iso: Type.String({ format: "date-time", description: "The same, ISO 8601." }),
  },
  {
    description:
      "An answer (`kind: answer`), a cancel without an answer (`skip`) or a closed dialog " +
      "that cancelled nothing (`dismissal`).",
    examples: [EVENT_EXAMPLE],
  },
);
export type V1Event = Static<typeof V1Event>;

import { type Static, Type } from "typebox";

const TokenId = Type.String({ minLength: 1, maxLength: 100 });
const CustomerOid = Type.String({ minLength: 1, maxLength: 255 });

/** Who asks, as the widget's other calls say it; the hash makes the customer verified. */
const WidgetCustomer = {
  access_token_id: TokenId,
  customer_oid: CustomerOid,
  customer_oid_hash: Type.Optional(Type.String({ maxLength: 128 })),
  test_mode: Type.Optional(Type.Boolean()),
};

export const WidgetOfferBody = Type.Object({
  ...WidgetCustomer,
  reason_id: Type.String({ minLength: 1, maxLength: 100 }),
});
export type WidgetOfferBody = Static<typeof WidgetOfferBody>;

export const OfferKind = Type.Union([
  Type.Literal("discount"),
  Type.Literal("pause"),
  Type.Literal("price_switch"),
  Type.Literal("trial_extension"),
  Type.Literal("contact_link"),
]);

/** What the widget shows of an offer; `offer_token` comes back with the accept. */
export const WidgetOffer = Type.Object({
  id: Type.String(),
  kind: OfferKind,
  title: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  /** The "talk to us" link; null for the other kinds. */
  url: Type.Union([Type.String(), Type.Null()]),
  offer_token: Type.String(),
});

/** The one offer for this reason and customer, or null (none fits, a rule refuses, held out). */
export const WidgetOfferReply = Type.Object({ offer: Type.Union([WidgetOffer, Type.Null()]) });

export const WidgetOfferAcceptBody = Type.Object({
  ...WidgetCustomer,
  offer_token: Type.String({ minLength: 1, maxLength: 2000 }),
});
export type WidgetOfferAcceptBody = Static<typeof WidgetOfferAcceptBody>;

/** What the widget passes to `callback_saved(data)`. */
export const WidgetOfferAcceptReply = Type.Object({
  accepted: Type.Object({
    acceptance_id: Type.String(),
    offer_id: Type.String(),
    kind: OfferKind,
    customer_oid: Type.String(),
    subscription_oid: Type.Union([Type.String(), Type.Null()]),
    test_mode: Type.Boolean(),
  }),
});

// --- The dashboard's offer administration (/api/accounts/:accountId/offers) ---

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const BillingInterval = Type.Union([
  Type.Literal("day"),
  Type.Literal("week"),
  Type.Literal("month"),
  Type.Literal("year"),
]);

/**
 * Every kind's parameters, each bounded here; which ones a kind needs (and which it must not
 * have) is checked with the kind (src/offers/offer-input.ts), so each refusal names its field.
 */
export const OfferParamsBody = Type.Object(
  {
    /** discount: percent off (1 to 100), or an amount off in minor units with its currency. */
    percent_off: Type.Optional(Type.Number({ minimum: 1, maximum: 100 })),
    amount_off: Type.Optional(Type.Integer({ minimum: 1 })),
    currency: Type.Optional(Type.String({ pattern: "^[A-Za-z]{3}$" })),
    duration_in_months: Type.Optional(Type.Integer({ minimum: 1, maximum: 36 })),
    /** pause: months without collection. */
    months: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    /** price_switch: the provider's price id to move to. */
    price_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: "^\\S+$" })),
    proration: Type.Optional(
      Type.Union([
        Type.Literal("create_prorations"),
        Type.Literal("none"),
        Type.Literal("always_invoice"),
      ]),
    ),
    /** trial_extension: days added to the trial. */
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
    /** contact_link: where "talk to us" leads (http or https). */
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type OfferParamsBody = Static<typeof OfferParamsBody>;

/** An offer as the dashboard creates or replaces it (PUT sends it whole). */
export const OfferBody = Type.Object(
  {
    kind: OfferKind,
    title: Type.String({ minLength: 1, maxLength: 80, pattern: "\\S" }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    params: OfferParamsBody,
    /** The account's reasons it answers: at least one, each once. */
    reason_ids: Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true }),
    /** Conditions on the customer's subscription; null or left out: any. */
    plan: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255, pattern: "\\S" }))),
    min_tenure_days: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 36500 }))),
    max_tenure_days: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 36500 }))),
    billing_interval: Type.Optional(Nullable(BillingInterval)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OfferBody = Static<typeof OfferBody>;

export const OfferRouteParams = Type.Object({ accountId: Id, offerId: Id });

export const ApiOffer = Type.Object({
  id: Type.String(),
  kind: OfferKind,
  title: Type.String(),
  description: Nullable(Type.String()),
  /** Only the kind's own parameters. */
  params: OfferParamsBody,
  reason_ids: Type.Array(Type.String()),
  plan: Nullable(Type.String()),
  min_tenure_days: Nullable(Type.Integer()),
  max_tenure_days: Nullable(Type.Integer()),
  billing_interval: Nullable(BillingInterval),
  active: Type.Boolean(),
  created_at: Type.String({ format: "date-time" }),
  updated_at: Type.String({ format: "date-time" }),
});
export type ApiOffer = Static<typeof ApiOffer>;

/** Oldest first: for a customer, the first offer that fits is the one shown. */
export const OffersReply = Type.Object({ offers: Type.Array(ApiOffer) });
export const OfferReply = Type.Object({ offer: ApiOffer });

const WindowMonths = Type.Integer({ minimum: 1, maximum: 120 });
const HoldoutPercent = Type.Integer({ minimum: 0, maximum: 50 });
const SaveDays = Type.Integer({ minimum: 1, maximum: 180 });

export const OfferSettings = Type.Object({
  /** A customer accepts at most one offer in this many months. */
  window_months: WindowMonths,
  /** This share of eligible customers (chosen per customer, stably) is shown no offer. */
  holdout_percent: HoldoutPercent,
  /** An accept counts as a save once still paying this many days on (docs/offer-saves.md). */
  save_days: SaveDays,
});
export type OfferSettings = Static<typeof OfferSettings>;

export const OfferSettingsBody = Type.Object(
  {
    window_months: Type.Optional(WindowMonths),
    holdout_percent: Type.Optional(HoldoutPercent),
    save_days: Type.Optional(SaveDays),
  },
  { additionalProperties: false },
);
export type OfferSettingsBody = Static<typeof OfferSettingsBody>;

export const OfferSettingsReply = Type.Object({ settings: OfferSettings });

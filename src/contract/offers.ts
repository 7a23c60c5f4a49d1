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

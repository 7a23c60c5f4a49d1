import { type Static, Type } from "typebox";
import { ApiEvent } from "./event.js";

const TokenId = Type.String({ minLength: 1, maxLength: 100 });

export const COMMENT_MAX_LENGTH = 5000;

/** How long the widget keeps an answer it could not deliver (src/widget/outbox.ts). */
export const ANSWER_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export const WidgetConfigQuery = Type.Object({
  access_token_id: TokenId,
  locale: Type.Optional(Type.String({ maxLength: 35 })),
});

export const WidgetConfigReply = Type.Object({
  account: Type.Object({ name: Type.String() }),
  locale: Type.String(),
  reasons: Type.Array(Type.Object({ id: Type.String(), text: Type.String() })),
  texts: Type.Record(Type.String(), Type.String()),
  brand: Type.Object({
    color: Type.String(),
    /** Absolute (under PUBLIC_URL), for the widget's header; null without a logo. */
    logo_url: Type.Union([Type.String(), Type.Null()]),
  }),
  comment_max_length: Type.Integer(),
  /** Whether any offer is active: the widget loads its offer step only then. */
  offers: Type.Boolean(),
});

export const WidgetEventBody = Type.Object({
  access_token_id: TokenId,
  customer_oid: Type.String({ minLength: 1, maxLength: 255 }),
  kind: Type.Optional(
    Type.Union([Type.Literal("answer"), Type.Literal("skip"), Type.Literal("dismissal")]),
  ),
  reason_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  comment: Type.Optional(Type.String({ maxLength: COMMENT_MAX_LENGTH })),
  subscription_oids: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 50 }),
  ),
  test_mode: Type.Optional(Type.Boolean()),
  idempotency_key: Type.String({ minLength: 8, maxLength: 100, pattern: "^[A-Za-z0-9_-]+$" }),
  customer_oid_hash: Type.Optional(Type.String({ maxLength: 128 })),
  locale: Type.Optional(Type.String({ maxLength: 35 })),
  // An age rather than a time of day: the customer's clock may be off by hours, but the
  // time between answering and sending is measured on one clock and comes out right.
  answered_ms_ago: Type.Optional(Type.Integer({ minimum: 0, maximum: ANSWER_MAX_AGE_MS })),
});
export type WidgetEventBody = Static<typeof WidgetEventBody>;

export const WidgetEventReply = Type.Object({ event: ApiEvent });

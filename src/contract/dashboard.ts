import { Type } from "typebox";
import { ApiEvent } from "./event.js";
import { MaybeConverted } from "./reporting-currency.js";

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "YYYY-MM-DD (UTC)" });
const Kind = Type.Union([Type.Literal("answer"), Type.Literal("skip"), Type.Literal("dismissal")]);
/** `amount` in integer minor units (cents) of `currency`. */
const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });

export const ReasonParams = Type.Object({ accountId: Id, id: Id });

/** Filters shared by insights, the events list and the export. */
const CommonFilters = {
  include_test: Type.Optional(Type.Boolean()),
  reason_id: Type.Optional(Type.Array(Id, { maxItems: 100 })),
};

export const InsightsQuery = Type.Object({
  from: Day,
  to: Day,
  ...CommonFilters,
  plan: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
});

const Interval = Type.Union([Type.Literal("week"), Type.Literal("month")]);

export const TrendQuery = Type.Object({
  ...InsightsQuery.properties,
  interval: Interval,
});

const Totals = Type.Object({
  cancellations: Type.Integer(),
  answers: Type.Integer(),
  skips: Type.Integer(),
  dismissals: Type.Integer(),
  /** answers / cancellations, 0..1; null without cancellations. */
  coverage: Type.Union([Type.Number(), Type.Null()]),
  lost_mrr: Type.Array(Money),
  /** `lost_mrr` in the reporting currency; null without one set. */
  lost_mrr_converted: MaybeConverted,
});

export const InsightsReply = Type.Object({
  from: Day,
  to: Day,
  previous: Type.Object({ from: Day, to: Day }),
  current: Totals,
  previous_totals: Totals,
  reasons: Type.Array(
    Type.Object({
      reason_id: Type.String(),
      text: Type.String(),
      archived: Type.Boolean(),
      answers: Type.Integer(),
      share: Type.Number(),
      lost_mrr: Type.Array(Money),
      lost_mrr_converted: MaybeConverted,
    }),
  ),
  plans: Type.Array(Type.String()),
});

export const TrendReply = Type.Object({
  interval: Interval,
  points: Type.Array(
    Type.Object({
      bucket: Day,
      reason_id: Type.String(),
      answers: Type.Integer(),
      mrr: Type.Integer(),
    }),
  ),
});

export const EventsQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  customer_oid: Type.Optional(Type.String({ maxLength: 255 })),
  kind: Type.Optional(Kind),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  with_comment: Type.Optional(Type.Boolean()),
  ...CommonFilters,
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});

export const EventsReply = Type.Object({
  events: Type.Array(ApiEvent),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const ExportQuery = Type.Object({
  ...EventsQuery.properties,
  format: Type.Union([Type.Literal("csv"), Type.Literal("json")]),
});

export const ApiReason = Type.Object({
  id: Type.String(),
  text: Type.String(),
  sort_key: Type.Integer(),
  archived: Type.Boolean(),
  answers_total: Type.Integer(),
});
export const ReasonText = Type.String({ minLength: 1, maxLength: 200, pattern: "\\S" });

export const ReasonsReply = Type.Object({ reasons: Type.Array(ApiReason) });
export const ReasonReply = Type.Object({ reason: ApiReason });
export const NewReasonBody = Type.Object({ text: ReasonText });
export const ReasonChangesBody = Type.Object(
  { text: Type.Optional(ReasonText), archived: Type.Optional(Type.Boolean()) },
  { minProperties: 1 },
);
export const ReasonOrderBody = Type.Object({ ids: Type.Array(Id, { minItems: 1, maxItems: 200 }) });

export const SetupReply = Type.Object({
  public_url: Type.String(),
  access_token_id: Type.Union([Type.String(), Type.Null()]),
  /** Null without an active embed token. */
  snippet: Type.Union([Type.String(), Type.Null()]),
  install_verified_at: Type.Union([Type.String(), Type.Null()]),
  install_event: Type.Union([ApiEvent, Type.Null()]),
});

const Origin = Type.String({ minLength: 1, maxLength: 300 });
const HexColor = Type.String({ pattern: "^#[0-9a-fA-F]{6}$" });

export const WidgetSettingsBody = Type.Object(
  {
    locale: Type.Optional(Type.Union([Type.String({ maxLength: 35 }), Type.Null()])),
    brand_color: Type.Optional(HexColor),
    texts: Type.Optional(
      Type.Record(Type.String(), Type.Record(Type.String(), Type.String({ maxLength: 300 }))),
    ),
    allowed_origins: Type.Optional(Type.Array(Origin, { maxItems: 50 })),
    verify_customers: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);

const ApiLogo = Type.Object({
  /** Same-origin, behind the session; the version in the query changes with the image. */
  url: Type.String(),
  content_type: Type.String(),
  size: Type.Integer(),
});
const MaybeLogo = Type.Union([ApiLogo, Type.Null()]);

export const LogoReply = Type.Object({ logo: MaybeLogo });

export const WidgetSettingsReply = Type.Object({
  settings: Type.Object({
    /** A fixed language for the widget, or null: the customer's (page or browser). */
    locale: Type.Union([Type.String(), Type.Null()]),
    brand_color: Type.String(),
    /** The owner's own words, per language and text key. */
    texts: Type.Record(Type.String(), Type.Record(Type.String(), Type.String())),
    /** Sites allowed to embed the widget; empty: any. */
    allowed_origins: Type.Array(Type.String()),
    verify_customers: Type.Boolean(),
    /** Only owners see it: it signs customer ids (customer_oid_hash). */
    customer_hash_secret: Type.Union([Type.String(), Type.Null()]),
    available_locales: Type.Array(Type.String()),
    text_keys: Type.Array(Type.String()),
    logo: MaybeLogo,
  }),
});

import { type Static, Type } from "typebox";
import { ApiReason, ReasonText } from "./dashboard.js";
import { EVENT_EXAMPLE, V1Event } from "./event.js";
import { COMMENT_MAX_LENGTH } from "./widget.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * The REST API's shapes: Baremetrics' Cancellation Insights API (paths, request fields,
 * `{event}` / `{events, meta: {pagination}}` envelopes, event fields) plus our own fields,
 * so clients written for either work. Descriptions and examples end up in the OpenAPI
 * document at /v1/openapi.json.
 */

const Id = Type.String({ minLength: 1, maxLength: 100 });
const day = (description: string) =>
  Type.String({ format: "date", description: `YYYY-MM-DD: ${description}` });
const Comment = Type.Union([Type.String({ maxLength: COMMENT_MAX_LENGTH }), Type.Null()], {
  description: `Up to ${COMMENT_MAX_LENGTH} characters, trimmed; empty or null means none.`,
});
const SortKey = Type.Integer({
  minimum: -2147483648,
  maximum: 2147483647,
  description: "Lower comes first in the widget.",
});
export const MAX_PER_PAGE = 200;

export const IdParams = Type.Object({ id: Id });

export const IdempotencyHeaders = Type.Object({
  [IDEMPOTENCY_HEADER]: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        "Any unique string (a UUID). A retry with the same key and body replays the first " +
        "reply (header Idempotent-Replayed: true) and stores nothing new; the same key with " +
        "another body is refused with 422 idempotency_key_reused. Keys are kept 24 hours.",
    }),
  ),
});

export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "Stable, for programs: see the examples." }),
      message: Type.String({ description: "For people." }),
      field: Type.Optional(
        Type.String({ description: "The request field at fault, when there is one." }),
      ),
    }),
  },
  {
    examples: [
      { error: { code: "validation_error", message: "text must NOT be empty", field: "text" } },
    ],
  },
);

const ERRORS = {
  400: ["The request is not valid: the field is named.", "validation_error", "per_page"],
  401: [
    "No, unknown or revoked key (with WWW-Authenticate: Bearer).",
    "invalid_api_key",
    undefined,
  ],
  404: ["No such item in this key's account.", "not_found", undefined],
  409: ["Conflicts with what is stored.", "reason_exists", "text"],
  415: ["The body is not JSON.", "unsupported_media_type", undefined],
  422: [
    "Not possible: unknown or archived reason, or a reused Idempotency-Key.",
    "unknown_reason",
    "reason_id",
  ],
  429: ["Over the rate limit of this key: wait Retry-After seconds.", "rate_limited", undefined],
} as const;
type ErrorStatus = keyof typeof ERRORS;

/** Sent with every reply of the API when the limit is on; documented where they matter. */
const RATE_LIMIT_HEADERS = {
  "retry-after": { type: "integer", description: "Seconds until the key may call again." },
  "ratelimit-limit": { type: "integer", description: "Requests allowed per window." },
  "ratelimit-remaining": { type: "integer", description: "Requests left in this window." },
  "ratelimit-reset": { type: "integer", description: "Seconds until the window resets." },
};

/** Documented error replies of a route: every one has the shape of `ErrorReply`. */
export function errorReplies(...statuses: ErrorStatus[]) {
  return Object.fromEntries(
    [401, 429, ...statuses].map((status) => {
      const [description, code, field] = ERRORS[status as ErrorStatus];
      const example = { error: { code, message: description, ...(field ? { field } : {}) } };
      const headers = status === 429 ? { headers: RATE_LIMIT_HEADERS } : {};
      const schema = Type.Object(ErrorReply.properties, {
        description,
        examples: [example],
        ...headers,
      });
      return [status, schema];
    }),
  );
}

const Pagination = Type.Object({
  page: Type.Union([Type.Integer(), Type.Null()], {
    description: "The page shown, from 0; null when paging by cursor.",
  }),
  per_page: Type.Integer(),
  has_more: Type.Boolean(),
  total: Type.Integer({ description: "How many items the filters match, on every page." }),
  next_cursor: Type.Union([Type.String(), Type.Null()], {
    description: "Pass as `cursor` for the next page; null on the last one.",
  }),
});
export type Pagination = Static<typeof Pagination>;
const ListMeta = Type.Object({ pagination: Pagination });

/** Description and example of a list reply: `{ <key>: [item], meta: { pagination } }`. */
function listReplyOptions(description: string, key: string, item: object) {
  const pagination = { page: 0, per_page: 30, has_more: false, total: 1, next_cursor: null };
  return { description, examples: [{ [key]: [item], meta: { pagination } }] };
}

const PageQuery = {
  page: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 1_000_000, description: "Page number, from 0." }),
  ),
  per_page: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: 30, description: "Page size." }),
  ),
};

// Reasons

const REASON_EXAMPLE = {
  id: "rsn_4x1mK0k2Zq8nP3d7Lw9aBc",
  text: "Too expensive",
  sort_key: 10,
  archived: false,
  answers_total: 42,
};

export const V1Reason = Type.Object(ApiReason.properties, {
  description:
    "Baremetrics' `id`, `text`, `sort_key`, and ours: `archived` (deleted through the API: " +
    "hidden from the widget, its answers kept) and `answers_total` (live answers ever given).",
  examples: [REASON_EXAMPLE],
});

export const ReasonsQuery = Type.Object({
  include_archived: Type.Optional(
    Type.Boolean({ description: "Also list archived (deleted) reasons, after the active ones." }),
  ),
  ...PageQuery,
});

export const NewReasonBody = Type.Object(
  { text: ReasonText, sort_key: Type.Optional(SortKey) },
  { examples: [{ text: "Too expensive", sort_key: 10 }] },
);

export const ReasonChangesBody = Type.Object(
  { text: Type.Optional(ReasonText), sort_key: Type.Optional(SortKey) },
  {
    minProperties: 1,
    description: "Renaming keeps history: past events keep the text they were given under.",
    examples: [{ text: "Too expensive for us" }],
  },
);

export const ReasonReply = Type.Object(
  { reason: V1Reason },
  { description: "The reason.", examples: [{ reason: REASON_EXAMPLE }] },
);
export const ReasonsReply = Type.Object(
  { reasons: Type.Array(V1Reason), meta: ListMeta },
  listReplyOptions("A page of reasons.", "reasons", REASON_EXAMPLE),
);

// Events

export const EventsQuery = Type.Object({
  start_date: Type.Optional(day("events on or after this day (UTC).")),
  end_date: Type.Optional(day("events on or before this day (UTC).")),
  reason_id: Type.Optional(
    Type.Array(Id, { maxItems: 100, description: "Repeat for several reasons." }),
  ),
  customer_oid: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  kind: Type.Optional(V1Event.properties.kind),
  test_mode: Type.Optional(
    Type.Boolean({ default: false, description: "true: only test events; false: only live." }),
  ),
  cursor: Type.Optional(
    Type.String({
      maxLength: 200,
      description: "`next_cursor` of the previous page; not together with `page`.",
    }),
  ),
  ...PageQuery,
});
export type EventsQuery = Static<typeof EventsQuery>;

export const NewEventBody = Type.Object(
  {
    reason_id: Type.String({ minLength: 1, maxLength: 100, description: "An active reason." }),
    comment: Type.Optional(Comment),
    customer_oid: Type.String({
      minLength: 1,
      maxLength: 255,
      description: "The customer's id at your billing provider.",
    }),
    subscription_oids: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 50 }),
    ),
    test_mode: Type.Optional(
      Type.Boolean({ description: "Store as test data, kept out of the numbers." }),
    ),
    mrr: Type.Optional(
      Type.Object(
        {
          amount: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
          currency: Type.String({ pattern: "^[a-z]{3}$", description: "Lower case ISO 4217." }),
        },
        {
          additionalProperties: false,
          description:
            "The MRR the cancellation loses, monthly, in minor units: for a site whose billing " +
            "provider is not synced. Counted once per customer in the insights; a synced " +
            "provider's cancellation, when one is linked, counts instead.",
        },
      ),
    ),
    plan: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "The plan being cancelled." }),
    ),
  },
  {
    examples: [
      {
        reason_id: REASON_EXAMPLE.id,
        comment: "We only need it in the busy season.",
        customer_oid: "cus_NffrFeUfNV2Hib",
        subscription_oids: ["sub_1MowQVLkdIwHu7ix"],
      },
    ],
  },
);

export const EventChangesBody = Type.Object(
  {
    reason_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "An active reason (or the event's own, even if archived since).",
      }),
    ),
    comment: Type.Optional(Comment),
  },
  {
    minProperties: 1,
    description: "A skip given a reason becomes an answer; a dismissal takes no reason.",
    examples: [{ reason_id: REASON_EXAMPLE.id, comment: "Price went up twice this year." }],
  },
);

export const EventReply = Type.Object(
  { event: V1Event },
  { description: "The event.", examples: [{ event: EVENT_EXAMPLE }] },
);
export const EventsReply = Type.Object(
  { events: Type.Array(V1Event), meta: ListMeta },
  listReplyOptions("A page of events.", "events", EVENT_EXAMPLE),
);

import { type Static, Type } from "typebox";

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Timestamp = Type.String({ format: "date-time" });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export type RetentionEventType = "retention.accepted" | "retention.saved";
export type WebhookEventType = "cancellation.created" | "cancellation.updated" | RetentionEventType;
export const WEBHOOK_EVENT_TYPES: WebhookEventType[] = [
  "cancellation.created",
  "cancellation.updated",
  "retention.accepted",
  "retention.saved",
];

const EventType = Type.Union([
  Type.Literal("cancellation.created"),
  Type.Literal("cancellation.updated"),
  Type.Literal("retention.accepted"),
  Type.Literal("retention.saved"),
]);

const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });

/**
 * What `retention.*` deliveries carry (`data.retention`): the accepted offer and where its
 * proof stands. Kept as it was when the delivery was queued, as cancellations are.
 */
export const WebhookRetention = Type.Object({
  acceptance_id: Type.String(),
  offer_id: Type.String(),
  offer_kind: Type.String(),
  customer_oid: Type.String(),
  subscription_oid: Type.Union([Type.String(), Type.Null()]),
  test_mode: Type.Boolean(),
  accepted_at: Timestamp,
  save: Type.Object({
    status: Type.Union([
      Type.Literal("pending"),
      Type.Literal("saved"),
      Type.Literal("lost"),
      Type.Null(),
    ]),
    /** When the validation window ends. */
    due_at: NullableTimestamp,
    decided_at: NullableTimestamp,
    saved_mrr: Type.Union([Money, Type.Null()]),
    /** The provider's invoice that proved the save. */
    invoice_oid: Type.Union([Type.String(), Type.Null()]),
  }),
});
export type WebhookRetention = Static<typeof WebhookRetention>;
const Kind = Type.Union([Type.Literal("webhook"), Type.Literal("slack")]);
const Url = Type.String({ minLength: 1, maxLength: 2000 });
const Description = Type.String({ maxLength: 200 });
const EventTypes = Type.Array(EventType, { minItems: 1, uniqueItems: true });

export const WebhookParams = Type.Object({ accountId: Id, id: Id });

export const CreateWebhookBody = Type.Object({
  url: Url,
  kind: Type.Optional(Kind),
  description: Type.Optional(Description),
  event_types: Type.Optional(EventTypes),
  enabled: Type.Optional(Type.Boolean()),
  include_test: Type.Optional(Type.Boolean()),
});
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

/** Anything but the kind: a Slack URL is no webhook receiver, nor the other way round. */
export const UpdateWebhookBody = Type.Partial(Type.Omit(CreateWebhookBody, ["kind"]));
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>;

export const ApiWebhookEndpoint = Type.Object({
  id: Type.String(),
  /** Owners only; members see the origin. */
  url: Type.String(),
  kind: Kind,
  description: Type.String(),
  event_types: Type.Array(EventType),
  enabled: Type.Boolean(),
  include_test: Type.Boolean(),
  /** Owners only (null for members): receivers need it to verify signatures. */
  secret: Type.Union([Type.String(), Type.Null()]),
  /** Until then the secret before the last rotation signs too. */
  previous_secret_expires_at: NullableTimestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const WebhooksReply = Type.Object({
  endpoints: Type.Array(ApiWebhookEndpoint),
  event_types: Type.Array(EventType),
});
export const WebhookReply = Type.Object({ endpoint: ApiWebhookEndpoint });

const ApiAttempt = Type.Object({
  attempted_at: Timestamp,
  duration_ms: Type.Integer(),
  status_code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  response_body: Type.Union([Type.String(), Type.Null()]),
});

export const ApiDelivery = Type.Object({
  id: Type.String(),
  endpoint_id: Type.String(),
  event_type: Type.String(),
  event_id: Type.Union([Type.String(), Type.Null()]),
  customer_oid: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")]),
  attempts: Type.Integer(),
  next_attempt_at: NullableTimestamp,
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
  delivered_at: NullableTimestamp,
});
export const ApiDeliveryWithAttempts = Type.Object({
  ...ApiDelivery.properties,
  attempt_log: Type.Array(ApiAttempt),
});

export const DeliveriesQuery = Type.Object({
  endpoint_id: Type.Optional(Id),
  /** The last delivery id of the previous page. */
  before: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export const DeliveriesReply = Type.Object({
  deliveries: Type.Array(ApiDeliveryWithAttempts),
  /** Pass as `before` for the next page; null on the last. */
  next_before: Type.Union([Type.String(), Type.Null()]),
});
export const DeliveryReply = Type.Object({ delivery: ApiDelivery });

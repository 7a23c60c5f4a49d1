import { type Static, Type } from "typebox";
import type { DeliveryWithAttempts } from "../../db/repositories/webhook-deliveries.js";
import type { WebhookDelivery, WebhookEndpoint, WebhookEventType } from "../../db/schema.js";

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Timestamp = Type.String({ format: "date-time" });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const WEBHOOK_EVENT_TYPES: WebhookEventType[] = [
  "cancellation.created",
  "cancellation.updated",
  "retention.accepted",
];

const EventType = Type.Union([
  Type.Literal("cancellation.created"),
  Type.Literal("cancellation.updated"),
  Type.Literal("retention.accepted"),
]);
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

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/**
 * What members see of a URL: its origin. A Slack URL is itself the key to post in the
 * channel, and other receivers often carry a token in the path or query.
 */
function maskedUrl(url: string): string {
  return `${new URL(url).origin}/…`;
}

export function toApiWebhookEndpoint(
  row: WebhookEndpoint,
  isOwner: boolean,
): Static<typeof ApiWebhookEndpoint> {
  const graceOver =
    row.previous_secret_expires_at === null ||
    new Date(row.previous_secret_expires_at) < new Date();
  return {
    id: row.id,
    url: isOwner ? row.url : maskedUrl(row.url),
    kind: row.kind,
    description: row.description,
    event_types: row.event_types,
    enabled: row.enabled,
    include_test: row.include_test,
    secret: isOwner ? row.secret : null,
    previous_secret_expires_at: graceOver ? null : isoOrNull(row.previous_secret_expires_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toApiDelivery(row: WebhookDelivery): Static<typeof ApiDelivery> {
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_type: row.event_type,
    event_id: row.event_id,
    customer_oid: row.event?.customer_oid ?? null,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === "pending" ? iso(row.next_attempt_at) : null,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    created_at: iso(row.created_at),
    delivered_at: isoOrNull(row.delivered_at),
  };
}

export function toApiDeliveryWithAttempts(
  row: DeliveryWithAttempts,
): Static<typeof ApiDeliveryWithAttempts> {
  return {
    ...toApiDelivery(row),
    attempt_log: row.attempt_log.map((a) => ({
      attempted_at: iso(a.attempted_at),
      duration_ms: a.duration_ms,
      status_code: a.status_code,
      error: a.error,
      response_body: a.response_body,
    })),
  };
}

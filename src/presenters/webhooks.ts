import type { Static } from "typebox";
import type {
  ApiDelivery,
  ApiDeliveryWithAttempts,
  ApiWebhookEndpoint,
} from "../contract/webhooks.js";
import type { DeliveryWithAttempts } from "../db/repositories/webhook-deliveries.js";
import type { WebhookDelivery, WebhookEndpoint } from "../db/schema.js";

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

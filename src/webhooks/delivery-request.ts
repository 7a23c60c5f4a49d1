import type { ApiEvent } from "../contract/event.js";
import type { WebhookRetention } from "../contract/webhooks.js";
import type {
  EventSnapshot,
  RetentionSnapshot,
  WebhookDelivery,
  WebhookEndpoint,
} from "../db/schema.js";
import { toApiEvent, toV1Event } from "../presenters/event.js";
import type { WebhookPayload } from "./payload.js";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from "./signature.js";
import {
  slackCancellationMessage,
  slackPingMessage,
  slackRetentionMessage,
} from "./slack-message.js";

export const USER_AGENT = "Cancel-Insights-Webhooks/1";

export interface DeliveryRequest {
  body: string;
  headers: Record<string, string>;
}

type Delivery = Pick<
  WebhookDelivery,
  "account_id" | "id" | "endpoint_id" | "event_type" | "event" | "created_at"
>;
type Endpoint = Pick<
  WebhookEndpoint,
  "kind" | "secret" | "previous_secret" | "previous_secret_expires_at"
>;

function rowOf(snapshot: EventSnapshot) {
  return { ...snapshot, created_at: new Date(snapshot.created_at) };
}

/** An event's snapshot has no acceptance id. */
function isRetention(snapshot: EventSnapshot | RetentionSnapshot): snapshot is RetentionSnapshot {
  return "acceptance_id" in snapshot;
}

/**
 * The db layer knows a few fields of a retention snapshot; it was written whole, in the
 * contract's shape, by src/presenters/retention.ts when the delivery was queued.
 */
const asRetention = (snapshot: RetentionSnapshot) => snapshot as unknown as WebhookRetention;

function dataOf(delivery: Delivery): WebhookPayload["data"] {
  const snapshot = delivery.event;
  if (!snapshot) return { endpoint_id: delivery.endpoint_id };
  if (isRetention(snapshot)) return { retention: asRetention(snapshot) };
  return { event: toV1Event(rowOf(snapshot)) };
}

export function webhookBody(delivery: Delivery): WebhookPayload {
  return {
    id: delivery.id,
    type: delivery.event_type,
    created_at: new Date(delivery.created_at).toISOString(),
    account_id: delivery.account_id,
    data: dataOf(delivery),
  };
}

/** The customer's page in the dashboard (as customerPath in src/dashboard/session.tsx). */
export function customerUrl(publicUrl: string, accountId: string, customerOid: string): string {
  const query = new URLSearchParams({ oid: customerOid });
  return `${publicUrl}/accounts/${encodeURIComponent(accountId)}/customers?${query}`;
}

function slackBody(delivery: Delivery, publicUrl: string): string {
  if (!delivery.event) return JSON.stringify(slackPingMessage());
  if (isRetention(delivery.event)) {
    const retention = asRetention(delivery.event);
    const link = customerUrl(publicUrl, delivery.account_id, retention.customer_oid);
    const type =
      delivery.event_type === "retention.saved" ? "retention.saved" : "retention.accepted";
    return JSON.stringify(slackRetentionMessage(type, retention, link));
  }
  const event: ApiEvent = toApiEvent(rowOf(delivery.event));
  const type =
    delivery.event_type === "cancellation.updated"
      ? "cancellation.updated"
      : "cancellation.created";
  const link = customerUrl(publicUrl, delivery.account_id, event.customer_oid);
  return JSON.stringify(slackCancellationMessage(type, event, link));
}

/** Secrets that sign now: the current one, and the one before a rotation for a while. */
function signingSecrets(endpoint: Endpoint, now: Date): string[] {
  const previousValid =
    endpoint.previous_secret !== null &&
    endpoint.previous_secret_expires_at !== null &&
    new Date(endpoint.previous_secret_expires_at) > now;
  return previousValid ? [endpoint.secret, endpoint.previous_secret as string] : [endpoint.secret];
}

/**
 * The request for one attempt: the same body and delivery id every time, a fresh signature
 * timestamp. Slack verifies nothing, so its messages go unsigned.
 */
export function deliveryRequest(
  delivery: Delivery,
  endpoint: Endpoint,
  publicUrl: string,
  now = new Date(),
): DeliveryRequest {
  const base = { "content-type": "application/json", "user-agent": USER_AGENT };
  if (endpoint.kind === "slack") return { body: slackBody(delivery, publicUrl), headers: base };
  const body = JSON.stringify(webhookBody(delivery));
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    body,
    headers: {
      ...base,
      [DELIVERY_HEADER]: delivery.id,
      [EVENT_HEADER]: delivery.event_type,
      [SIGNATURE_HEADER]: signatureHeader(signingSecrets(endpoint, now), timestamp, body),
    },
  };
}

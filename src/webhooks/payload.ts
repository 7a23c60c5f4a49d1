import { type Static, Type } from "typebox";
import { V1Event } from "../contract/event.js";
import { WebhookRetention } from "../contract/webhooks.js";

/**
 * What a webhook endpoint receives (docs/webhooks.md). The same schema describes the
 * `webhooks` of the OpenAPI document, so the reference page shows the payload people get.
 */
export const WebhookPayload = Type.Object({
  id: Type.String({
    description: "The delivery id, also in Cancel-Insights-Delivery: the same on every retry.",
  }),
  type: Type.String({ description: "The event type, also in Cancel-Insights-Event." }),
  created_at: Type.String({ format: "date-time", description: "When the change happened." }),
  account_id: Type.String(),
  data: Type.Union([
    Type.Object(
      { event: V1Event },
      { description: "A cancellation: the event as the REST API shows it, as it was then." },
    ),
    Type.Object(
      { retention: WebhookRetention },
      { description: "A retention offer: accepted, or proven a save." },
    ),
    Type.Object({ endpoint_id: Type.String() }, { description: "A test ping." }),
  ]),
});
export type WebhookPayload = Static<typeof WebhookPayload>;

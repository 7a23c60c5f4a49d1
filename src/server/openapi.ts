import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import type { OpenAPIV3_1 } from "openapi-types";
import { MAX_PER_PAGE } from "../contract/v1.js";
import { WebhookPayload } from "../webhooks/payload.js";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from "../webhooks/signature.js";

/** Where people read the REST API's reference. */
export const REFERENCE_PATH = "/docs/api";

/** Swagger UI runs from files served here (no CDN: self-hosters may be offline). */
const REFERENCE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const DESCRIPTION = `Server-to-server API of Cancel Insights, with the paths and fields of
Baremetrics' Cancellation Insights API: clients written for it work with only the host changed.

- **Auth**: \`Authorization: Bearer <secret key>\` (Settings → API keys, or
  \`cancel-insights account create --json\`). A revoked key stops working at once.
- **Errors**: \`{"error": {"code", "message", "field"}}\` with the HTTP status.
- **Lists**: \`page\` (from 0) and \`per_page\` (default 30, at most ${MAX_PER_PAGE}), or \`cursor\`;
  \`meta.pagination\` tells \`has_more\`, \`total\` and \`next_cursor\`.
- **Idempotency**: send \`Idempotency-Key\` on POST; a retry replays the first reply.
- **Rate limit**: per key and minute (\`API_RATE_LIMIT\`), told by \`RateLimit-Limit\`,
  \`RateLimit-Remaining\` and \`RateLimit-Reset\`; past it, 429 with \`Retry-After\`.`;

const header = (name: string, description: string): OpenAPIV3_1.ParameterObject => ({
  name,
  in: "header",
  required: true,
  description,
  schema: { type: "string" },
});

/** The requests Cancel Insights sends to an account's webhook endpoints (OpenAPI 3.1 `webhooks`). */
function webhookOperation(summary: string, description: string): OpenAPIV3_1.PathItemObject {
  return {
    post: {
      summary,
      description: `${description} Signed: see docs/webhooks.md for the scheme.`,
      security: [],
      parameters: [
        header(SIGNATURE_HEADER, '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`'),
        header(DELIVERY_HEADER, "The delivery id: store it and ignore repeats."),
        header(EVENT_HEADER, "The event type."),
      ],
      requestBody: {
        required: true,
        // A TypeBox schema is JSON Schema, which OpenAPI 3.1 takes as it is; openapi-types'
        // 3.1 types cannot say so. test/api/openapi.test.ts validates the whole document.
        content: { "application/json": { schema: WebhookPayload as never } },
      },
      responses: {
        "2XX": { description: "Received. Anything else (or no answer in 10 s) is retried." },
      },
    },
  };
}

const WEBHOOKS = {
  "cancellation.created": webhookOperation(
    "A customer cancelled",
    "An answer or a skipped question, from the widget or the REST API.",
  ),
  "cancellation.updated": webhookOperation(
    "A cancellation changed",
    "Its reason or comment changed (REST API `PUT .../events/:id`).",
  ),
  "retention.accepted": webhookOperation(
    "A customer accepted a retention offer",
    "The offer was applied at the billing provider; `data.retention.save.status` is `pending` until its validation window ends.",
  ),
  "retention.saved": webhookOperation(
    "An accepted offer proved a save",
    "After the validation window the subscription is still active, not set to cancel, and its next invoice is paid; `data.retention.save.saved_mrr` counts.",
  ),
};

/**
 * The OpenAPI 3.1 document, made from the routes' own schemas as they register (so this
 * must run before any route), and the reference page. Only `/v1` routes are in it.
 */
export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Cancel Insights REST API", version: "1", description: DESCRIPTION },
      servers: [{ url: publicUrl }],
      tags: [
        { name: "Reasons", description: "What customers may choose from in the widget." },
        { name: "Events", description: "Answers: why each customer cancelled." },
        { name: "Reference", description: "This document." },
      ],
      webhooks: WEBHOOKS,
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            description: "An API secret key of the account (sk_...).",
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    transform: ({ schema, url }) => ({
      schema: url.startsWith("/v1/") ? schema : { ...schema, hide: true },
      url,
    }),
  });
  await app.register(swaggerUi, {
    routePrefix: REFERENCE_PATH,
    staticCSP: REFERENCE_CSP,
    theme: { title: "Cancel Insights REST API" },
    // No top bar: it only offers to explore other documents, and its logo carries an
    // inline <style> the CSP would refuse.
    uiConfig: { layout: "BaseLayout", deepLinking: true, defaultModelsExpandDepth: 0 },
  });
}

import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { AppError } from "../../errors.js";
import { registerApiKeyAuth } from "../auth/api-key-auth.js";
import { v1EventRoutes } from "./v1-events.js";
import { v1ReasonRoutes } from "./v1-reasons.js";

const BODY_LIMIT = 64 * 1024;

/** The API proper: every route needs a secret key and counts against its rate limit. */
async function authenticatedRoutes(app: FastifyInstance) {
  const rateLimitPerMinute = app.services.config.apiRateLimitPerMinute;
  // Replies hold customers' data and comments.
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  registerApiKeyAuth(app, app.repos.apiKeys);
  if (rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: rateLimitPerMinute,
      timeWindow: 60_000,
      // After the key is known (onRequest), before any work on the body.
      hook: "preParsing",
      keyGenerator: (request) => request.apiKey?.id ?? request.ip,
      // RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (IETF draft), not X-RateLimit-*.
      enableDraftSpec: true,
      errorResponseBuilder: (_request, context) =>
        new AppError("rate_limited", `Too many requests with this key, retry in ${context.after}.`),
    });
  }
  // JSON only: Fastify's default text/plain parser would hand the schema a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string", bodyLimit: BODY_LIMIT },
    app.getDefaultJsonParser("error", "error"),
  );
  await app.register(v1ReasonRoutes);
  await app.register(v1EventRoutes);
}

/**
 * `/v1`: the REST API for servers, compatible with Baremetrics' Cancellation Insights API,
 * and its OpenAPI document (public, so the reference page and code generators need no key).
 */
export async function v1Routes(app: FastifyInstance) {
  app.get(
    "/openapi.json",
    {
      schema: {
        summary: "This OpenAPI document",
        tags: ["Reference"],
        security: [],
        response: {
          200: Type.Object({}, { additionalProperties: true, description: "OpenAPI 3.1." }),
        },
      },
    },
    async () => app.swagger(),
  );
  await app.register(authenticatedRoutes);
}

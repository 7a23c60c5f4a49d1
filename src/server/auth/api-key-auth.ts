import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ApiKey, ApiKeysRepository } from "../../db/repositories/api-keys.js";
import { AppError } from "../../errors.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `requireApiKey` on REST API routes. */
    apiKey: ApiKey | null;
  }
}

const BEARER = /^Bearer +(\S+) *$/i;

function refuse(reply: FastifyReply, message: string, error?: "invalid_token"): never {
  // RFC 6750: tell the client which scheme to use, and that a token it sent is bad.
  reply.header(
    "www-authenticate",
    `Bearer realm="Cancel Insights"${error ? `, error="${error}"` : ""}`,
  );
  throw new AppError("invalid_api_key", message);
}

/**
 * An onRequest hook for the REST API: the account is the one of the active secret key in
 * `Authorization: Bearer <key>`, else 401 before the body is even read. Looked up on each
 * request (one indexed query), so a revoked key stops working at once.
 */
export function registerApiKeyAuth(app: FastifyInstance, keys: ApiKeysRepository): void {
  app.decorateRequest("apiKey", null);
  app.addHook("onRequest", async (request, reply) => {
    const header = request.headers.authorization;
    if (header === undefined) refuse(reply, "Send your secret key: Authorization: Bearer <key>.");
    const secret = BEARER.exec(header)?.[1];
    if (secret === undefined) refuse(reply, "The Authorization header must be Bearer <key>.");
    const key = await keys.findActiveBySecret(secret);
    if (!key) refuse(reply, "Unknown or revoked API key.", "invalid_token");
    request.apiKey = key;
  });
}

/** The account a REST API request acts for. */
export function apiAccountOf(request: FastifyRequest): string {
  if (!request.apiKey) throw new AppError("invalid_api_key");
  return request.apiKey.account_id;
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  AccountParams,
  ApiKeyReply,
  ApiKeysReply,
  CreatedApiKeyReply,
  EmbedTokenReply,
  EmbedTokensReply,
  NamedBody,
  ResourceParams,
} from "../../contract/accounts.js";
import type { CreatedApiKey } from "../../db/repositories/api-keys.js";
import { AppError } from "../../errors.js";
import { toApiEmbedToken, toApiKeyInfo } from "../../presenters/accounts.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";

function withSecret(created: CreatedApiKey) {
  return { api_key: { ...toApiKeyInfo(created.key), secret: created.secret } };
}

/**
 * Embed tokens (public, in the snippet) and API secret keys (shown once) of one account,
 * under `/api/accounts/:accountId`. Everyone in the account sees them; owners change them.
 */
export async function keyRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const tokens = app.repos.embedTokens;
  const keys = app.repos.apiKeys;
  const accountOf = (request: Parameters<typeof membershipOf>[0]) =>
    membershipOf(request).account_id;

  app.get(
    "/embed-tokens",
    { schema: { params: AccountParams, response: { 200: EmbedTokensReply } } },
    async (request) => ({
      embed_tokens: (await tokens.list(accountOf(request))).map(toApiEmbedToken),
    }),
  );

  app.post(
    "/embed-tokens",
    {
      onRequest: requireOwner,
      schema: { params: AccountParams, body: NamedBody, response: { 201: EmbedTokenReply } },
    },
    async (request, reply) => {
      const accountId = accountOf(request);
      const id = await tokens.create(accountId, request.body.name.trim());
      const token = await tokens.find(accountId, id);
      if (!token) throw new AppError("not_found", "No such embed token.");
      return reply.status(201).send({ embed_token: toApiEmbedToken(token) });
    },
  );

  app.post(
    "/embed-tokens/:id/rotate",
    {
      onRequest: requireOwner,
      schema: { params: ResourceParams, response: { 200: EmbedTokenReply } },
    },
    async (request) => {
      const token = await tokens.rotate(accountOf(request), request.params.id);
      if (!token) throw new AppError("not_found", "No such active embed token.");
      return { embed_token: toApiEmbedToken(token) };
    },
  );

  app.delete(
    "/embed-tokens/:id",
    {
      onRequest: requireOwner,
      schema: { params: ResourceParams, response: { 200: EmbedTokenReply } },
    },
    async (request) => {
      const accountId = accountOf(request);
      await tokens.revoke(accountId, request.params.id);
      // Revoking twice is fine: the token is revoked either way.
      const token = await tokens.find(accountId, request.params.id);
      if (!token) throw new AppError("not_found", "No such embed token.");
      return { embed_token: toApiEmbedToken(token) };
    },
  );

  app.get(
    "/api-keys",
    { schema: { params: AccountParams, response: { 200: ApiKeysReply } } },
    async (request) => ({ api_keys: (await keys.list(accountOf(request))).map(toApiKeyInfo) }),
  );

  app.post(
    "/api-keys",
    {
      onRequest: requireOwner,
      schema: { params: AccountParams, body: NamedBody, response: { 201: CreatedApiKeyReply } },
    },
    async (request, reply) => {
      const created = await keys.create(accountOf(request), request.body.name.trim());
      return reply.status(201).send(withSecret(created));
    },
  );

  app.post(
    "/api-keys/:id/rotate",
    {
      onRequest: requireOwner,
      schema: { params: ResourceParams, response: { 200: CreatedApiKeyReply } },
    },
    async (request) => {
      const created = await keys.rotate(accountOf(request), request.params.id);
      if (!created) throw new AppError("not_found", "No such active API key.");
      return withSecret(created);
    },
  );

  app.delete(
    "/api-keys/:id",
    {
      onRequest: requireOwner,
      schema: { params: ResourceParams, response: { 200: ApiKeyReply } },
    },
    async (request) => {
      const accountId = accountOf(request);
      const key =
        (await keys.revoke(accountId, request.params.id)) ??
        (await keys.find(accountId, request.params.id));
      if (!key) throw new AppError("not_found", "No such API key.");
      return { api_key: toApiKeyInfo(key) };
    },
  );
}

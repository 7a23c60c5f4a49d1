import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import {
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveriesReply,
  DeliveryReply,
  UpdateWebhookBody,
  WEBHOOK_EVENT_TYPES,
  WebhookParams,
  WebhookReply,
  WebhooksReply,
} from "../../contract/webhooks.js";
import type { WebhookEndpointChanges } from "../../db/repositories/webhook-endpoints.js";
import { AppError } from "../../errors.js";
import {
  toApiDelivery,
  toApiDeliveryWithAttempts,
  toApiWebhookEndpoint,
} from "../../presenters/webhooks.js";
import { newSigningSecret } from "../../webhooks/signature.js";
import { checkWebhookUrl } from "../../webhooks/target.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";

function changesOf(body: UpdateWebhookBody, allowPrivate: boolean): WebhookEndpointChanges {
  return {
    ...(body.url === undefined ? {} : { url: checkWebhookUrl(body.url.trim(), allowPrivate) }),
    ...(body.description === undefined ? {} : { description: body.description.trim() }),
    ...(body.event_types === undefined ? {} : { event_types: body.event_types }),
    ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
    ...(body.include_test === undefined ? {} : { include_test: body.include_test }),
  };
}

/**
 * Outgoing webhooks and Slack of one account, under `/api/accounts/:accountId/webhooks`:
 * endpoints, their signing secrets, test pings, the delivery log and redelivery. Everyone
 * in the account sees the log; owners change things and see the secrets.
 */
export async function webhookRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { webhookEndpoints: endpoints, webhookDeliveries: deliveries } = app.repos;
  const { allowPrivateTargets } = app.services.config.webhooks;
  const accountOf = (request: FastifyRequest) => membershipOf(request).account_id;
  const isOwner = (request: FastifyRequest) => membershipOf(request).role === "owner";

  /** The endpoint a change or lookup found, or 404. */
  function found<T>(endpoint: T | undefined): T {
    if (!endpoint) throw new AppError("not_found", "No such webhook endpoint.");
    return endpoint;
  }

  app.get(
    "/webhooks",
    { schema: { params: AccountParams, response: { 200: WebhooksReply } } },
    async (request) => ({
      endpoints: (await endpoints.list(accountOf(request))).map((e) =>
        toApiWebhookEndpoint(e, isOwner(request)),
      ),
      event_types: WEBHOOK_EVENT_TYPES,
    }),
  );

  app.post(
    "/webhooks",
    {
      onRequest: requireOwner,
      schema: { params: AccountParams, body: CreateWebhookBody, response: { 201: WebhookReply } },
    },
    async (request, reply) => {
      const { body } = request;
      const endpoint = await endpoints.create(
        accountOf(request),
        {
          url: checkWebhookUrl(body.url.trim(), allowPrivateTargets),
          kind: body.kind ?? "webhook",
          description: body.description?.trim() ?? "",
          event_types: body.event_types ?? WEBHOOK_EVENT_TYPES,
          enabled: body.enabled ?? true,
          include_test: body.include_test ?? false,
        },
        newSigningSecret(),
      );
      return reply.status(201).send({ endpoint: toApiWebhookEndpoint(endpoint, true) });
    },
  );

  app.patch(
    "/webhooks/:id",
    {
      onRequest: requireOwner,
      schema: { params: WebhookParams, body: UpdateWebhookBody, response: { 200: WebhookReply } },
    },
    async (request) => {
      const changes = changesOf(request.body, allowPrivateTargets);
      const endpoint = found(
        await endpoints.update(accountOf(request), request.params.id, changes),
      );
      return { endpoint: toApiWebhookEndpoint(endpoint, true) };
    },
  );

  app.delete(
    "/webhooks/:id",
    {
      onRequest: requireOwner,
      schema: { params: WebhookParams, response: { 200: WebhookReply } },
    },
    async (request) => {
      const endpoint = found(await endpoints.remove(accountOf(request), request.params.id));
      return { endpoint: toApiWebhookEndpoint(endpoint, true) };
    },
  );

  app.post(
    "/webhooks/:id/rotate-secret",
    {
      onRequest: requireOwner,
      schema: { params: WebhookParams, response: { 200: WebhookReply } },
    },
    async (request) => {
      const endpoint = found(
        await endpoints.rotateSecret(accountOf(request), request.params.id, newSigningSecret()),
      );
      return { endpoint: toApiWebhookEndpoint(endpoint, true) };
    },
  );

  app.post(
    "/webhooks/:id/ping",
    {
      onRequest: requireOwner,
      schema: { params: WebhookParams, response: { 202: DeliveryReply } },
    },
    async (request, reply) => {
      const endpoint = found(await endpoints.find(accountOf(request), request.params.id));
      const delivery = await deliveries.enqueuePing(endpoint.account_id, endpoint.id);
      return reply.status(202).send({ delivery: toApiDelivery(delivery) });
    },
  );

  app.get(
    "/webhooks/deliveries",
    {
      schema: {
        params: AccountParams,
        querystring: DeliveriesQuery,
        response: { 200: DeliveriesReply },
      },
    },
    async (request) => {
      const accountId = accountOf(request);
      const { query } = request;
      const limit = query.limit ?? 25;
      const before = query.before ? await deliveries.find(accountId, query.before) : undefined;
      if (query.before && !before) {
        throw new AppError("validation_error", "before is not a delivery of this account.", {
          field: "before",
        });
      }
      const page = await deliveries.list(accountId, {
        ...(query.endpoint_id ? { endpointId: query.endpoint_id } : {}),
        ...(before ? { before } : {}),
        limit,
      });
      return {
        deliveries: page.map(toApiDeliveryWithAttempts),
        next_before: page.length === limit ? (page.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.post(
    "/webhooks/deliveries/:id/redeliver",
    {
      onRequest: requireOwner,
      schema: { params: WebhookParams, response: { 202: DeliveryReply } },
    },
    async (request, reply) => {
      const accountId = accountOf(request);
      const delivery = await deliveries.redeliver(accountId, request.params.id);
      if (!delivery) {
        if (await deliveries.find(accountId, request.params.id)) {
          throw new AppError("delivery_in_progress");
        }
        throw new AppError("not_found", "No such delivery.");
      }
      return reply.status(202).send({ delivery: toApiDelivery(delivery) });
    },
  );
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Static } from "typebox";
import { BillingError } from "../../billing/billing-error.js";
import type { ProviderKind } from "../../billing/provider-kind.js";
import { providerKind, providerKinds } from "../../billing/providers.js";
import { AccountParams } from "../../contract/accounts.js";
import {
  type ApiBackfill,
  type ApiBillingConnection,
  type ApiBillingProvider,
  BackfillReply,
  BackfillStartedReply,
  BillingConnectionParams,
  BillingConnectionReply,
  BillingReply,
  ConnectBillingBody,
  ConnectStripeBody,
  WebhookSecretBody,
} from "../../contract/billing.js";
import type { BillingConnection } from "../../db/repositories/billing-connections.js";
import { AppError } from "../../errors.js";
import { type BackfillProgress, backfillProgress, startBackfill } from "../../sync/backfill.js";
import { connectBilling, disconnectBilling } from "../../sync/connect.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/**
 * The provider's refusal of a key as the dashboard shows it: on the `api_key` field, with our
 * words and the provider's code (never its message, which may quote the masked key).
 */
function connectError(kind: ProviderKind, error: unknown): unknown {
  if (!(error instanceof BillingError)) return error;
  const provider = error.providerCode ? ` (${kind.label}: ${error.providerCode})` : "";
  if (error.code === "invalid_key" || error.code === "permission_denied") {
    return new AppError(error.code, `${error.message}${provider}`, {
      field: "api_key",
      cause: error,
    });
  }
  if (error.code === "rate_limited")
    return new AppError("rate_limited", undefined, { cause: error });
  return new AppError("billing_unavailable", undefined, { cause: error });
}

/** A registered provider as the API lists it. */
function shownKind(kind: ProviderKind): Static<typeof ApiBillingProvider> {
  const { docs } = kind;
  return {
    name: kind.name,
    label: kind.label,
    key_help: docs.keyHelp,
    webhook_help: docs.webhookHelp,
    key_example: docs.keyExample,
    webhook_secret_example: docs.webhookSecretExample,
    read_permissions: [...docs.readPermissions],
    webhook_events: [...docs.webhookEvents],
  };
}

/**
 * Billing connections of one account (any registered provider), under `/api/accounts/:accountId/billing`: connect with a
 * restricted key, set the webhook secret, disconnect, start a backfill and follow it. Members
 * see the connections; owners change them. Keys go in and never come back out.
 */
export async function billingRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { billingConnections: connections, billingSyncRuns: runs } = app.repos;
  const { publicUrl } = app.services.config;
  const deps = app.services.sync;
  const accountOf = (request: FastifyRequest) => membershipOf(request).account_id;

  async function backfillOf(
    accountId: string,
    connectionId: string,
  ): Promise<Static<typeof ApiBackfill> | null> {
    const [progress, run] = await Promise.all([
      backfillProgress(deps, accountId, connectionId),
      runs.latest(accountId, connectionId),
    ]);
    return (
      progress && toApiBackfill(progress, run?.id === progress.runId ? run.oldest_created : null)
    );
  }

  async function shown(
    connection: BillingConnection,
  ): Promise<Static<typeof ApiBillingConnection>> {
    return {
      id: connection.id,
      provider: connection.provider,
      mode: connection.mode,
      status: connection.status,
      provider_account_id: connection.provider_account_id,
      api_key_hint: connection.api_key_hint,
      has_webhook_secret: connection.has_webhook_secret,
      webhook_url: `${publicUrl}/webhooks/${connection.provider}/${connection.id}`,
      last_error: connection.last_error && {
        code: connection.last_error.code,
        message: connection.last_error.message,
        at: iso(connection.last_error.at),
      },
      created_at: iso(connection.created_at),
      disconnected_at: isoOrNull(connection.disconnected_at),
      backfill: await backfillOf(connection.account_id, connection.id),
    };
  }

  /**
   * The account's connection (active only, when asked), or 404: another account's is as
   * unknown as none, and the reply does not repeat the id.
   */
  async function found(
    accountId: string,
    connectionId: string,
    activeOnly = false,
  ): Promise<BillingConnection> {
    const connection = await connections.get(accountId, connectionId);
    if (!connection) throw new AppError("not_found", "No such billing connection.");
    if (activeOnly && connection.status !== "active") {
      throw new AppError("not_found", "This billing connection is disconnected.");
    }
    return connection;
  }

  app.get(
    "/billing",
    { schema: { params: AccountParams, response: { 200: BillingReply } } },
    async (request, reply) => {
      const all = await connections.listForAccount(accountOf(request));
      const ordered = [
        ...all.filter((c) => c.status === "active"),
        ...all.filter((c) => c.status !== "active"),
      ];
      // Polled while a backfill runs: always fresh.
      reply.header("cache-control", "no-store");
      return {
        connections: await Promise.all(ordered.map(shown)),
        providers: providerKinds().map(shownKind),
      };
    },
  );

  async function connect(
    request: FastifyRequest,
    provider: string,
    body: Static<typeof ConnectStripeBody>,
  ) {
    const kind = providerKind(provider);
    return connectBilling(deps, accountOf(request), {
      provider: kind.name,
      apiKey: body.api_key.trim(),
      webhookSecret: body.webhook_secret?.trim() || null,
    }).catch((error: unknown) => {
      throw connectError(kind, error);
    });
  }

  app.post(
    "/billing",
    {
      onRequest: requireOwner,
      schema: {
        params: AccountParams,
        body: ConnectBillingBody,
        response: { 201: BillingConnectionReply },
      },
    },
    async (request, reply) => {
      const connection = await connect(request, request.body.provider, request.body);
      return reply.status(201).send({ connection: await shown(connection) });
    },
  );

  // Stripe's own route, from before the registry: the same as `provider: "stripe"`.
  app.post(
    "/billing/stripe",
    {
      onRequest: requireOwner,
      schema: {
        params: AccountParams,
        body: ConnectStripeBody,
        response: { 201: BillingConnectionReply },
      },
    },
    async (request, reply) => {
      const connection = await connect(request, "stripe", request.body);
      return reply.status(201).send({ connection: await shown(connection) });
    },
  );

  app.patch(
    "/billing/:connection_id",
    {
      onRequest: requireOwner,
      schema: {
        params: BillingConnectionParams,
        body: WebhookSecretBody,
        response: { 200: BillingConnectionReply },
      },
    },
    async (request) => {
      const accountId = accountOf(request);
      const { connection_id: id } = request.params;
      const secret = request.body.webhook_secret?.trim() || null;
      if (!(await connections.setWebhookSecret(accountId, id, secret))) {
        throw new AppError("not_found", "No such active billing connection.");
      }
      return { connection: await shown(await found(accountId, id)) };
    },
  );

  app.delete(
    "/billing/:connection_id",
    {
      onRequest: requireOwner,
      schema: { params: BillingConnectionParams, response: { 200: BillingConnectionReply } },
    },
    async (request) => {
      const accountId = accountOf(request);
      const { connection_id: id } = request.params;
      await found(accountId, id);
      await disconnectBilling(deps, accountId, id);
      return { connection: await shown(await found(accountId, id)) };
    },
  );

  app.post(
    "/billing/:connection_id/sync",
    {
      onRequest: requireOwner,
      schema: { params: BillingConnectionParams, response: { 202: BackfillStartedReply } },
    },
    async (request, reply) => {
      const accountId = accountOf(request);
      const { connection_id: id } = request.params;
      await found(accountId, id, true);
      const { queued } = await startBackfill(deps, accountId, id);
      return reply.status(202).send({ queued, backfill: await backfillOf(accountId, id) });
    },
  );

  app.get(
    "/billing/:connection_id/sync",
    { schema: { params: BillingConnectionParams, response: { 200: BackfillReply } } },
    async (request, reply) => {
      const accountId = accountOf(request);
      const { connection_id: id } = request.params;
      await found(accountId, id);
      reply.header("cache-control", "no-store");
      return { backfill: await backfillOf(accountId, id) };
    },
  );
}

function toApiBackfill(
  progress: BackfillProgress,
  reachedCreated: Date | string | null,
): Static<typeof ApiBackfill> {
  return {
    run_id: progress.runId,
    state: progress.state,
    phase: progress.phase,
    customers: progress.customers,
    subscriptions: progress.subscriptions,
    requests: progress.requests,
    per_second: progress.perSecond,
    fraction: progress.fraction,
    eta_seconds: progress.etaSeconds,
    reached_created: progress.phase === "done" ? null : isoOrNull(reachedCreated),
    started_at: iso(progress.startedAt),
    updated_at: iso(progress.updatedAt),
    finished_at: isoOrNull(progress.finishedAt),
    error: progress.error,
  };
}

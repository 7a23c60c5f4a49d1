import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  COMMENT_MAX_LENGTH,
  WidgetConfigQuery,
  WidgetConfigReply,
  WidgetEventBody,
  WidgetEventReply,
} from "../../contract/widget.js";
import { widgetTexts } from "../../contract/widget-texts.js";
import { newId } from "../../db/ids.js";
import { AppError } from "../../errors.js";
import { toApiEvent } from "../../presenters/event.js";
import { verifiedCustomer } from "../customer-hash.js";
import { checkOrigin, type WidgetAccount } from "../widget-accounts.js";
import { publicLogoUrl } from "../widget-logo.js";
import { widgetOfferRoutes } from "./widget-offers.js";

const BODY_LIMIT = 16 * 1024;

/** The reason as the customer saw it, or the right error for the answer. */
function chosenReason(account: WidgetAccount, body: WidgetEventBody) {
  if (body.kind === "dismissal" || body.kind === "skip") return null;
  if (body.reason_id === undefined) {
    throw new AppError("validation_error", "reason_id is required for an answer.", {
      field: "reason_id",
    });
  }
  const reason = account.reasonsById.get(body.reason_id);
  if (!reason) throw new AppError("unknown_reason", undefined, { field: "reason_id" });
  return reason;
}

/** Keyed by token and IP: one busy site must not throttle another behind the same NAT. */
export function rateLimitKey(request: FastifyRequest): string {
  const body = request.body as { access_token_id?: unknown } | undefined;
  const token = typeof body?.access_token_id === "string" ? body.access_token_id : "-";
  return `${token}|${request.ip}`;
}

/** The public routes the widget calls from customers' browsers on any origin. */
export async function widgetApiRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { config, widgetAccounts: accounts, writer } = app.services;
  const rateLimitPerMinute = config.widgetRateLimitPerMinute;
  await app.register(cors, { origin: "*", methods: ["GET", "POST"], maxAge: 86400 });
  if (rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: false,
      // After parsing, so the key can include the token from the body.
      hook: "preValidation",
      errorResponseBuilder: (_request, context) =>
        new AppError("rate_limited", `Too many requests, retry in ${context.after}.`),
    });
  }

  // The widget posts JSON as text/plain: a "simple" request that needs no CORS preflight.
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser(
    "text/plain",
    { parseAs: "string" },
    app.getDefaultJsonParser("error", "error"),
  );

  app.get(
    "/api/widget/config",
    {
      schema: { querystring: WidgetConfigQuery, response: { 200: WidgetConfigReply } },
    },
    async (request, reply) => {
      // The answer depends on the Origin (an account may allow only its own sites), so a
      // shared cache must keep one copy per Origin.
      reply.header("vary", "Origin");
      const account = await accounts.resolve(request.query.access_token_id, request.ip);
      checkOrigin(account, request);
      const { locale, texts } = widgetTexts(
        account.locale ?? request.query.locale,
        account.textOverrides,
      );
      reply.header("cache-control", "public, max-age=60");
      return {
        account: { name: account.name },
        locale,
        reasons: account.activeReasons.map((r) => ({ id: r.id, text: r.text })),
        texts: { ...texts },
        brand: {
          color: account.brandColor,
          logo_url: account.logoHash
            ? publicLogoUrl(config.publicUrl, request.query.access_token_id, account.logoHash)
            : null,
        },
        comment_max_length: COMMENT_MAX_LENGTH,
        offers: account.hasOffers,
      };
    },
  );

  await app.register(widgetOfferRoutes);

  app.post(
    "/api/widget/events",
    {
      bodyLimit: BODY_LIMIT,
      schema: { body: WidgetEventBody, response: { 200: WidgetEventReply, 201: WidgetEventReply } },
      config: {
        rateLimit: {
          max: rateLimitPerMinute,
          timeWindow: 60_000,
          keyGenerator: rateLimitKey,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const account = await accounts.resolve(body.access_token_id, request.ip);
      checkOrigin(account, request);
      // Verification is the account's choice here: a hash sent to an account without it is ignored.
      if (account.verifyCustomers)
        verifiedCustomer(account, body.customer_oid, body.customer_oid_hash);
      const reason = chosenReason(account, body);
      const { event, created } = await writer.record({
        account_id: account.accountId,
        id: newId("evt"),
        kind: body.kind ?? "answer",
        source: "widget",
        reason_id: reason?.id ?? null,
        reason_text: reason?.text ?? null,
        comment: reason && body.comment?.trim() ? body.comment.trim() : null,
        customer_oid: body.customer_oid,
        subscription_oids: body.subscription_oids ?? [],
        test_mode: body.test_mode ?? false,
        idempotency_key: body.idempotency_key,
        locale: body.locale ?? null,
        mrr_amount: null,
        mrr_currency: null,
        plan: null,
        // A kept answer sent again on a later page counts when and on the day it was given.
        created_at: new Date(Date.now() - (body.answered_ms_ago ?? 0)),
      });
      if (!created) reply.header("idempotent-replayed", "true");
      return reply.status(created ? 201 : 200).send({ event: toApiEvent(event) });
    },
  );
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyError, FastifyInstance } from "fastify";
import { Type } from "typebox";
import { AccountParams } from "../../contract/accounts.js";
import { LogoReply } from "../../contract/dashboard.js";
import { AppError } from "../../errors.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";
import { contentHash } from "../http-cache.js";
import { LOGO_MAX_BYTES, logoTooLarge, logoTypeOf, sendLogo, toApiLogo } from "../widget-logo.js";

/**
 * The widget's logo in Settings, under `/api/accounts/:accountId`. The image is the raw
 * request body (what `fetch(url, { body: file })` sends), whatever its declared type: its
 * own bytes say what it is. Members see it, owners change it.
 */
export async function widgetLogoRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const logos = app.repos.widgetLogos;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.get(
    "/widget-settings/logo",
    { schema: { params: AccountParams } },
    async (request, reply) => {
      const logo = await logos.find(membershipOf(request).account_id);
      if (!logo) throw new AppError("not_found", "This account has no logo.");
      return sendLogo(request, reply, logo);
    },
  );

  app.put(
    "/widget-settings/logo",
    {
      onRequest: requireOwner,
      bodyLimit: LOGO_MAX_BYTES,
      // Fastify refuses an oversized body before the handler runs: name the field anyway.
      errorHandler: (error: FastifyError) => {
        throw error.code === "FST_ERR_CTP_BODY_TOO_LARGE" ? logoTooLarge() : error;
      },
      schema: { params: AccountParams, response: { 200: LogoReply } },
    },
    async (request) => {
      const image = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const accountId = membershipOf(request).account_id;
      const saved = await logos.save(accountId, {
        content_type: logoTypeOf(image),
        image,
        hash: contentHash(image),
      });
      return { logo: toApiLogo(accountId, saved) };
    },
  );

  app.delete(
    "/widget-settings/logo",
    { onRequest: requireOwner, schema: { params: AccountParams, response: { 200: LogoReply } } },
    async (request) => {
      await logos.remove(membershipOf(request).account_id);
      return { logo: null };
    },
  );
}

const PublicLogoParams = Type.Object({
  accessTokenId: Type.String({ minLength: 1, maxLength: 100 }),
  hash: Type.String({ pattern: "^[A-Za-z0-9_-]{22}$" }),
});

/**
 * The logo as customers' browsers load it into the widget, on any site. A URL names one
 * version of the image for good, so it is cached for a year; a new logo gets a new URL
 * (through the widget's config) and an old one answers 404.
 */
export async function publicWidgetLogoRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const logos = app.repos.widgetLogos;

  app.get(
    "/api/widget/logos/:accessTokenId/:hash",
    { schema: { params: PublicLogoParams } },
    async (request, reply) => {
      const { accessTokenId, hash } = request.params;
      const account = await app.services.widgetAccounts.resolve(accessTokenId, request.ip);
      const logo = await logos.find(account.accountId);
      if (!logo || logo.hash !== hash) throw new AppError("not_found", "No such logo.");
      reply
        .header("cache-control", "public, max-age=31536000, immutable")
        .header("access-control-allow-origin", "*")
        .header("cross-origin-resource-policy", "cross-origin");
      return sendLogo(request, reply, logo);
    },
  );
}

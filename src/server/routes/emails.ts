import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import {
  EmailSettingsBody,
  EmailSettingsReply,
  EmailsQuery,
  EmailsReply,
} from "../../contract/emails.js";
import { toApiEmail } from "../../presenters/emails.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";

/**
 * The email log (with the outbox's messages when no SMTP server is configured) and the
 * reason email's settings. Owners change the settings, members read everything.
 */
export async function emailRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { emails } = app.repos;
  const transport = app.services.config.mail.smtpUrl === null ? "outbox" : "smtp";

  app.get(
    "/emails",
    { schema: { params: AccountParams, querystring: EmailsQuery, response: { 200: EmailsReply } } },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const page = await emails.list(accountId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor ?? null,
      });
      return {
        transport,
        emails: page.emails.map(toApiEmail),
        next_cursor: page.nextCursor,
      } as const;
    },
  );

  app.get(
    "/email-settings",
    { schema: { params: AccountParams, response: { 200: EmailSettingsReply } } },
    async (request) => ({ settings: await emails.settings(membershipOf(request).account_id) }),
  );

  app.patch(
    "/email-settings",
    {
      onRequest: requireOwner,
      schema: {
        params: AccountParams,
        body: EmailSettingsBody,
        response: { 200: EmailSettingsReply },
      },
    },
    async (request) => ({
      settings: await emails.updateSettings(membershipOf(request).account_id, request.body),
    }),
  );
}

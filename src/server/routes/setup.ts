import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import { SetupReply } from "../../contract/dashboard.js";
import { toApiEvent } from "../../presenters/event.js";
import { renderSnippet } from "../../snippet.js";
import { membershipOf } from "../auth/require-account.js";

/**
 * The Setup page: the snippet with the account's token filled in, and the install check,
 * which the page polls until the first live event has arrived.
 */
export async function setupRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, embedTokens: tokens, events } = app.repos;
  const { publicUrl } = app.services.config;

  app.get(
    "/setup",
    { schema: { params: AccountParams, response: { 200: SetupReply } } },
    async (request, reply) => {
      const accountId = membershipOf(request).account_id;
      const [account, [accessTokenId]] = await Promise.all([
        accounts.find(accountId),
        tokens.listActive(accountId),
      ]);
      const installEvent = account?.install_event_id
        ? await events.find(accountId, account.install_event_id)
        : undefined;
      // Polled for the install check: always fresh.
      reply.header("cache-control", "no-store");
      return {
        public_url: publicUrl,
        access_token_id: accessTokenId ?? null,
        snippet: accessTokenId ? renderSnippet({ publicUrl, accessTokenId }) : null,
        install_verified_at: account?.install_verified_at
          ? new Date(account.install_verified_at).toISOString()
          : null,
        install_event: installEvent ? toApiEvent(installEvent) : null,
      };
    },
  );
}

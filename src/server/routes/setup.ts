import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import { UnmatchedAnswersReply } from "../../contract/cancellations.js";
import { SetupReply } from "../../contract/dashboard.js";
import type { BillingMode } from "../../db/schema.js";
import { toApiEvent } from "../../presenters/event.js";
import { renderSnippet } from "../../snippet.js";
import { membershipOf } from "../auth/require-account.js";

/** Customer ids the setup page shows of the unmatched answers: enough to spot the pattern. */
const SHOWN_CUSTOMERS = 5;
/** Answers read to find them: a customer who answered many times fills no more than these. */
const SCANNED_ANSWERS = 50;

/**
 * The Setup page: the snippet with the account's token filled in, and the install check,
 * which the page polls until the first live event has arrived.
 */
export async function setupRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, embedTokens: tokens, events, billingConnections } = app.repos;
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

  /**
   * Answers whose customer_oid no billing connection of their mode knows (an install sending
   * its own user ids, usually): how many, and the newest few ids. Null for a mode without a
   * connection, which has nothing to match against.
   */
  app.get(
    "/setup/unmatched-answers",
    { schema: { params: AccountParams, response: { 200: UnmatchedAnswersReply } } },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const connected = new Set(
        (await billingConnections.listForAccount(accountId)).map((c) => c.mode),
      );
      const unmatchedIn = async (mode: BillingMode) => {
        if (!connected.has(mode)) return null;
        const { events: newest, total } = await app.queries.unmatchedAnswers({
          accountId,
          testMode: mode === "test",
          limit: SCANNED_ANSWERS,
        });
        const customerOids = [...new Set(newest.map((e) => e.customer_oid))];
        return { total, customer_oids: customerOids.slice(0, SHOWN_CUSTOMERS) };
      };
      const [live, test] = await Promise.all([unmatchedIn("live"), unmatchedIn("test")]);
      return { live, test };
    },
  );
}

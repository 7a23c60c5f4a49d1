import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  WidgetOfferAcceptBody,
  WidgetOfferAcceptReply,
  WidgetOfferBody,
  WidgetOfferReply,
} from "../../contract/offers.js";
import { AppError } from "../../errors.js";
import { acceptOffer } from "../../offers/accept.js";
import { chooseOffer, isHeldOut } from "../../offers/eligibility.js";
import { issueOfferToken, verifyOfferToken } from "../../offers/offer-token.js";
import { verifiedCustomer } from "../customer-hash.js";
import { gatherOfferFacts } from "../offer-facts.js";
import { checkOrigin } from "../widget-accounts.js";

/** How long a shown offer may be accepted: the customer reads it, then decides. */
const OFFER_TOKEN_SECONDS = 30 * 60;

/**
 * The widget's offer step, public like its other calls (the embed token names the account):
 * which offer to show after a reason, and accepting it. Every rule is checked here, again
 * on accept; the browser only carries the signed token between the two.
 */
export async function widgetOfferRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { widgetAccounts: accounts, sync } = app.services;
  const repos = app.repos;

  app.post(
    "/api/widget/offer",
    { schema: { body: WidgetOfferBody, response: { 200: WidgetOfferReply } } },
    async (request) => {
      const body = request.body;
      const account = await accounts.resolve(body.access_token_id, request.ip);
      checkOrigin(account, request);
      const verified = verifiedCustomer(account, body.customer_oid, body.customer_oid_hash);
      if (!account.reasonsById.has(body.reason_id)) {
        throw new AppError("unknown_reason", undefined, { field: "reason_id" });
      }
      const offers = await repos.offers.list(account.accountId);
      if (!offers.some((o) => o.active)) return { offer: null };
      const testMode = body.test_mode ?? false;
      const { facts } = await gatherOfferFacts(repos, sync, {
        accountId: account.accountId,
        customerId: body.customer_oid,
        testMode,
        verified,
      });
      const chosen = chooseOffer(offers, body.reason_id, facts);
      if ("refusal" in chosen) {
        request.log.info({ refusal: chosen.refusal }, "no offer shown");
        return { offer: null };
      }
      const { offer } = chosen;
      // Who was shown it and who was held out: the two groups the lift compares.
      const exposure = (result: "shown" | "held_out") =>
        repos.offerAcceptances.record(account.accountId, {
          offer_id: offer.id,
          offer_kind: offer.kind,
          connection_id: null,
          customer_id: body.customer_oid,
          subscription_id: facts.subscription?.id ?? null,
          test_mode: testMode,
          token_id: null,
          result,
          error_code: null,
        });
      const settings = await repos.accounts.find(account.accountId);
      if (isHeldOut(account.accountId, body.customer_oid, settings?.offer_holdout_percent ?? 0)) {
        await exposure("held_out");
        return { offer: null };
      }
      await exposure("shown");
      const { token } = issueOfferToken(account.customerHashSecret, {
        accountId: account.accountId,
        customerId: body.customer_oid,
        subscriptionId: facts.subscription?.id ?? null,
        offerId: offer.id,
        expiresAt: Math.floor(Date.now() / 1000) + OFFER_TOKEN_SECONDS,
      });
      return {
        offer: {
          id: offer.id,
          kind: offer.kind,
          title: offer.title,
          description: offer.description,
          url: offer.kind === "contact_link" ? (offer.params.url ?? null) : null,
          offer_token: token,
        },
      };
    },
  );

  app.post(
    "/api/widget/offer/accept",
    { schema: { body: WidgetOfferAcceptBody, response: { 200: WidgetOfferAcceptReply } } },
    async (request) => {
      const body = request.body;
      const account = await accounts.resolve(body.access_token_id, request.ip);
      checkOrigin(account, request);
      const verified = verifiedCustomer(account, body.customer_oid, body.customer_oid_hash);
      const claims = verifyOfferToken(account.customerHashSecret, body.offer_token, {
        accountId: account.accountId,
        customerId: body.customer_oid,
        now: Math.floor(Date.now() / 1000),
      });
      const offer = await repos.offers.find(account.accountId, claims.offerId);
      if (!offer?.active) {
        throw new AppError("offer_not_eligible", "This offer is no longer offered.");
      }
      const testMode = body.test_mode ?? false;
      const gathered = await gatherOfferFacts(repos, sync, {
        accountId: account.accountId,
        customerId: body.customer_oid,
        testMode,
        verified,
      });
      if ((gathered.facts.subscription?.id ?? null) !== claims.subscriptionId) {
        throw new AppError("invalid_offer_token", undefined, { field: "offer_token" });
      }
      const { acceptance } = await acceptOffer(repos, gathered.provider, {
        accountId: account.accountId,
        connectionId: gathered.connectionId,
        claims,
        offer,
        facts: gathered.facts,
      });
      return {
        accepted: {
          acceptance_id: acceptance.id,
          offer_id: offer.id,
          kind: offer.kind,
          customer_oid: body.customer_oid,
          subscription_oid: acceptance.subscription_id,
          test_mode: acceptance.test_mode,
        },
      };
    },
  );
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import {
  OfferBody,
  OfferReply,
  OfferRouteParams,
  OfferSettingsBody,
  OfferSettingsReply,
  OffersReply,
} from "../../contract/offers.js";
import type { Offer } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { offerInputOf } from "../../offers/offer-input.js";
import { toApiOffer } from "../../presenters/offers.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";
import { checkSwitchPrice } from "../offer-price-check.js";

/**
 * The account's retention offers and their two settings (the one-offer window and the
 * holdout). Members read, owners change. Deleting an offer keeps its accepts on record.
 */
export async function offerRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { offers, reasons } = app.repos;
  const accountOf = (request: FastifyRequest) => membershipOf(request).account_id;

  /**
   * The body as stored, every rule checked; a switch's price is asked of the provider only
   * when it is new, so switching an offer off works while the provider is out of reach.
   */
  async function checkedInput(accountId: string, body: OfferBody, before?: Offer) {
    const active = await reasons.list(accountId);
    const input = offerInputOf(body, new Set(active.map((r) => r.id)));
    const priceId = input.kind === "price_switch" ? input.params.price_id : undefined;
    if (priceId !== undefined && priceId !== before?.params.price_id) {
      await checkSwitchPrice(app.repos, app.services.sync, accountId, priceId);
    }
    return input;
  }

  /** The offer a change found, or 404 (another account's offer is not found either). */
  function found<T>(offer: T | undefined): T {
    if (!offer) throw new AppError("offer_not_found");
    return offer;
  }

  app.get(
    "/offers",
    { schema: { params: AccountParams, response: { 200: OffersReply } } },
    async (request) => ({ offers: (await offers.list(accountOf(request))).map(toApiOffer) }),
  );

  app.post(
    "/offers",
    {
      onRequest: requireOwner,
      schema: { params: AccountParams, body: OfferBody, response: { 201: OfferReply } },
    },
    async (request, reply) => {
      const accountId = accountOf(request);
      const offer = await offers.create(accountId, await checkedInput(accountId, request.body));
      return reply.status(201).send({ offer: toApiOffer(offer) });
    },
  );

  app.put(
    "/offers/:offerId",
    {
      onRequest: requireOwner,
      schema: { params: OfferRouteParams, body: OfferBody, response: { 200: OfferReply } },
    },
    async (request) => {
      const accountId = accountOf(request);
      // Unknown offer first: what the body names is no business of someone without the offer.
      const before = found(await offers.find(accountId, request.params.offerId));
      const input = await checkedInput(accountId, request.body, before);
      const offer = found(await offers.update(accountId, request.params.offerId, input));
      return { offer: toApiOffer(offer) };
    },
  );

  app.delete(
    "/offers/:offerId",
    { onRequest: requireOwner, schema: { params: OfferRouteParams } },
    async (request, reply) => {
      const removed = await offers.remove(accountOf(request), request.params.offerId);
      if (!removed) throw new AppError("offer_not_found");
      return reply.status(204).send();
    },
  );

  app.get(
    "/offer-settings",
    { schema: { params: AccountParams, response: { 200: OfferSettingsReply } } },
    async (request) => ({ settings: await offers.settings(accountOf(request)) }),
  );

  app.patch(
    "/offer-settings",
    {
      onRequest: requireOwner,
      schema: {
        params: AccountParams,
        body: OfferSettingsBody,
        response: { 200: OfferSettingsReply },
      },
    },
    async (request) => ({
      settings: await offers.updateSettings(accountOf(request), request.body),
    }),
  );
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import { OfferPerformanceReply } from "../../contract/offer-performance.js";
import { liftOf, MIN_GROUP } from "../../offers/lift.js";
import { toApiOfferFigures } from "../../presenters/offer-performance.js";
import { membershipOf } from "../auth/require-account.js";

/** What the account's offers did: per offer, and the lift over the holdout. Members read it. */
export async function offerPerformanceRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { queries, repos } = app;

  app.get(
    "/offers/performance",
    { schema: { params: AccountParams, response: { 200: OfferPerformanceReply } } },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const account = await repos.accounts.find(accountId);
      const days = account?.offer_save_days ?? 30;
      const [offers, groups] = await Promise.all([
        queries.offerPerformance(accountId),
        queries.retentionGroups(accountId, { days, now: new Date() }),
      ]);
      return {
        save_days: days,
        holdout_percent: account?.offer_holdout_percent ?? 0,
        offers: offers.map(toApiOfferFigures),
        lift: liftOf(groups.treated, groups.holdout),
        lift_min_group: MIN_GROUP,
      };
    },
  );
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import {
  CancellationInsightsQuery,
  CancellationInsightsReply,
} from "../../contract/cancellations.js";
import type { BreakdownRow } from "../../db/queries/cancellation-breakdowns.js";
import type { CancellationRange } from "../../db/queries/cancellation-range.js";
import { addMoney, largestFirst, type Money } from "../../db/queries/money.js";
import { toApiBreakdown } from "../../presenters/cancellations.js";
import { membershipOf } from "../auth/require-account.js";
import { filterOf } from "./insights.js";

/** A breakdown's rows summed: how many, and the lost MRR per currency. */
function churnOf(rows: BreakdownRow<string>[]) {
  const lost: Money[] = [];
  for (const row of rows) for (const m of row.lostMrr) addMoney(lost, m.currency, m.amount);
  return {
    cancellations: rows.reduce((sum, row) => sum + row.cancellations, 0),
    lost_mrr: largestFirst(lost),
  };
}

/**
 * "What did the billing provider see?" for the Insights page: answer coverage, how and where
 * customers cancelled, involuntary churn apart, and reactivations, over the page's days and
 * its "include test data" switch (live only without it, live and test summed with it).
 */
export async function cancellationInsightsRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { queries } = app;

  app.get(
    "/insights/cancellations",
    {
      schema: {
        params: AccountParams,
        querystring: CancellationInsightsQuery,
        response: { 200: CancellationInsightsReply },
      },
    },
    async (request) => {
      const filter = filterOf(membershipOf(request).account_id, request.query);
      const range: CancellationRange = {
        accountId: filter.accountId,
        from: filter.from,
        to: filter.to,
        testMode: filter.includeTest ? null : false,
      };
      const voluntary = { ...range, voluntary: true };
      const [coverage, byEntry, byPlan, byTenure, involuntary, reactivations] = await Promise.all([
        queries.answerCoverage(range),
        queries.cancellationsByEntry(range),
        queries.cancellationsByPlan(voluntary),
        queries.cancellationsByTenure(voluntary),
        queries.cancellationsByPath({ ...range, voluntary: false }),
        queries.reactivations(range),
      ]);
      return {
        from: filter.from,
        to: filter.to,
        coverage,
        voluntary: churnOf(byPlan),
        involuntary: churnOf(involuntary),
        reactivations: {
          reactivations: reactivations.reactivations,
          kept_mrr: reactivations.keptMrr,
        },
        by_entry: toApiBreakdown(byEntry),
        by_plan: toApiBreakdown(byPlan),
        by_tenure: toApiBreakdown(byTenure),
      };
    },
  );
}

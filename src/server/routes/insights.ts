import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import { InsightsQuery, InsightsReply, TrendQuery, TrendReply } from "../../contract/dashboard.js";
import { daysBetween, type InsightsFilter } from "../../db/queries/insights-filter.js";
import type { PeriodTotals } from "../../db/queries/insights-summary.js";
import type { ReportingCurrencySetting } from "../../db/repositories/reporting-currency.js";
import { AppError } from "../../errors.js";
import { convertTotal } from "../../presenters/reporting-currency.js";
import { membershipOf } from "../auth/require-account.js";

const MAX_DAYS = 3 * 366;

/** The insights page's filters, checked: real days, in order, at most MAX_DAYS apart. */
export function filterOf(
  accountId: string,
  query: {
    from: string;
    to: string;
    include_test?: boolean;
    reason_id?: string[];
    plan?: string[];
  },
): InsightsFilter {
  for (const field of ["from", "to"] as const) {
    if (Number.isNaN(Date.parse(`${query[field]}T00:00:00Z`))) {
      throw new AppError("validation_error", `${field} is not a date.`, { field });
    }
  }
  const days = daysBetween(query.from, query.to);
  if (days < 1) throw new AppError("validation_error", "to is before from.", { field: "to" });
  if (days > MAX_DAYS) {
    throw new AppError("validation_error", `The range is longer than ${MAX_DAYS} days.`, {
      field: "to",
    });
  }
  return {
    accountId,
    from: query.from,
    to: query.to,
    includeTest: query.include_test ?? false,
    reasonIds: query.reason_id,
    plans: query.plan,
  };
}

function apiTotals(totals: PeriodTotals, setting: ReportingCurrencySetting) {
  const { lostMrr, ...rest } = totals;
  return { ...rest, lost_mrr: lostMrr, lost_mrr_converted: convertTotal(lostMrr, setting) };
}

/** "Why are customers leaving, and what does it cost?": the numbers behind the Insights page. */
export async function insightsRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    "/insights",
    {
      schema: {
        params: AccountParams,
        querystring: InsightsQuery,
        response: { 200: InsightsReply },
      },
    },
    async (request) => {
      const filter = filterOf(membershipOf(request).account_id, request.query);
      const [summary, plans, setting] = await Promise.all([
        app.queries.insightsSummary(filter),
        app.queries.knownPlans(filter.accountId),
        app.repos.reportingCurrency.get(filter.accountId),
      ]);
      return {
        from: filter.from,
        to: filter.to,
        previous: summary.previousPeriod,
        current: apiTotals(summary.current, setting),
        previous_totals: apiTotals(summary.previous, setting),
        reasons: summary.reasons.map((r) => ({
          reason_id: r.reasonId,
          text: r.text,
          archived: r.archived,
          answers: r.answers,
          share: r.share,
          lost_mrr: r.lostMrr,
          lost_mrr_converted: convertTotal(r.lostMrr, setting),
        })),
        plans,
      };
    },
  );

  app.get(
    "/insights/trend",
    { schema: { params: AccountParams, querystring: TrendQuery, response: { 200: TrendReply } } },
    async (request) => {
      const filter = filterOf(membershipOf(request).account_id, request.query);
      const points = await app.queries.reasonTrend(filter, request.query.interval);
      return {
        interval: request.query.interval,
        points: points.map((p) => ({
          bucket: p.bucket,
          reason_id: p.reasonId,
          answers: p.answers,
          mrr: p.mrr,
        })),
      };
    },
  );
}

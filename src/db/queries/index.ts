import type { Database } from "../database.js";
import { answerCoverage } from "./answer-coverage.js";
import {
  type BreakdownFilter,
  cancellationsByEntry,
  cancellationsByPath,
  cancellationsByPlan,
  cancellationsByTenure,
} from "./cancellation-breakdowns.js";
import type { CancellationRange } from "./cancellation-range.js";
import { customerBilling } from "./customer-billing.js";
import type { InsightsFilter } from "./insights-filter.js";
import { insightsSummary } from "./insights-summary.js";
import { knownPlans } from "./known-plans.js";
import { type LostMrrFilter, lostMrrByReason } from "./lost-mrr-by-reason.js";
import { offerPerformance, retentionGroups } from "./offer-performance.js";
import { reactivations } from "./reactivations.js";
import { reasonTrend, type TrendInterval } from "./reason-trend.js";
import {
  countEvents,
  type EventCursor,
  type EventSearch,
  eachEvent,
  searchEvents,
} from "./search-events.js";
import { unmatchedAnswers } from "./unmatched-answers.js";

/** The dashboard's questions, over one database: one function per question. */
export function createQueries(db: Database) {
  return Object.freeze({
    insightsSummary: (filter: InsightsFilter) => insightsSummary(db, filter),
    knownPlans: (accountId: string) => knownPlans(db, accountId),
    reasonTrend: (filter: InsightsFilter, interval: TrendInterval) =>
      reasonTrend(db, filter, interval),
    countEvents: (search: EventSearch) => countEvents(db, search),
    searchEvents: (
      search: EventSearch,
      page: { limit: number; cursor?: EventCursor | null; offset?: number },
    ) => searchEvents(db, search, page),
    eachEvent: (search: EventSearch) => eachEvent(db, search),
    lostMrrByReason: (filter: LostMrrFilter) => lostMrrByReason(db, filter),
    answerCoverage: (range: CancellationRange) => answerCoverage(db, range),
    cancellationsByPath: (filter: BreakdownFilter) => cancellationsByPath(db, filter),
    cancellationsByEntry: (filter: BreakdownFilter) => cancellationsByEntry(db, filter),
    cancellationsByPlan: (filter: BreakdownFilter) => cancellationsByPlan(db, filter),
    cancellationsByTenure: (filter: BreakdownFilter) => cancellationsByTenure(db, filter),
    reactivations: (range: CancellationRange) => reactivations(db, range),
    customerBilling: (accountId: string, customerId: string) =>
      customerBilling(db, accountId, customerId),
    unmatchedAnswers: (options: Parameters<typeof unmatchedAnswers>[1]) =>
      unmatchedAnswers(db, options),
    offerPerformance: (accountId: string) => offerPerformance(db, accountId),
    retentionGroups: (accountId: string, options: { days: number; now: Date }) =>
      retentionGroups(db, accountId, options),
  });
}

export type Queries = ReturnType<typeof createQueries>;

import type { Database } from "../database.js";
import type { InsightsFilter } from "./insights-filter.js";
import { insightsSummary } from "./insights-summary.js";
import { knownPlans } from "./known-plans.js";
import { reasonTrend, type TrendInterval } from "./reason-trend.js";
import {
  countEvents,
  type EventCursor,
  type EventSearch,
  eachEvent,
  searchEvents,
} from "./search-events.js";

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
  });
}

export type Queries = ReturnType<typeof createQueries>;

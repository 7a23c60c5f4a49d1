import type { StoredListPlan } from "../db/schema.js";

export interface BackfillEstimate {
  /** 0-1: 0 until the first page tells. */
  fraction: number;
  /** Seconds left at the rate so far; null unless running with some progress. */
  etaSeconds: number | null;
}

export interface EstimateInput {
  state: "running" | "succeeded" | "failed" | "canceled";
  phase: "customers" | "subscriptions" | "done";
  customers: number;
  subscriptions: number;
  /** The current phase's plan: the span of creation times its list covers. */
  plan: StoredListPlan | null;
  /** Unix seconds: how far back in `created` the phase's list has come (newest first). */
  reachedCreated: number | null;
  elapsedSeconds: number;
}

/** How far back in time the current list has come, 0-1 of its planned span. */
function listFraction(plan: StoredListPlan | null, reached: number | null): number {
  if (!plan || reached === null || plan.newest <= plan.oldest) return 0;
  return Math.min(1, Math.max(0, (plan.newest - reached) / (plan.newest - plan.oldest)));
}

/**
 * What share of a backfill is done, and how long the rest takes, where the provider gives no
 * totals: a list's share is how far back in creation time it has come. While customers are
 * listed, the subscriptions are taken to be as many (one each, the common case); once they
 * are listed, the customers are a known count and the subscriptions' total is extrapolated
 * from their share. The time left is the time so far scaled by what is left.
 */
export function estimateBackfill(input: EstimateInput): BackfillEstimate {
  if (input.phase === "done") return { fraction: 1, etaSeconds: 0 };
  const f = listFraction(input.plan, input.reachedCreated);
  const { customers, subscriptions } = input;
  let fraction: number;
  if (input.phase === "customers") fraction = f / 2;
  else if (f === 0) fraction = customers > 0 ? 0.5 : 0;
  else fraction = (customers + subscriptions) / (customers + subscriptions / f);
  const running = input.state === "running";
  const etaSeconds =
    running && fraction > 0 && input.elapsedSeconds > 0
      ? Math.round((input.elapsedSeconds * (1 - fraction)) / fraction)
      : null;
  return { fraction, etaSeconds };
}

import { sql } from "kysely";
import type {
  ObservedSource,
  StoredCancellationDetails,
  SubscriptionItemSummary,
} from "../schema.js";

// What a stored subscription is made from, and the rule that keeps older news from
// overwriting newer: shared by the backfill's pages and the single updates of events.

/** A subscription's state as the sync maps it from the provider's, with where it came from. */
export interface SubscriptionSnapshot {
  connection_id: string;
  id: string;
  account_id: string;
  customer_id: string;
  test_mode: boolean;
  status: string;
  currency: string;
  mrr_amount: number;
  monthly_value: number;
  plan: string | null;
  items: SubscriptionItemSummary[];
  created: Date | null;
  trial_end: Date | null;
  current_period_end: Date | null;
  cancel_at: Date | null;
  canceled_at: Date | null;
  ended_at: Date | null;
  cancel_at_period_end: boolean;
  paused_collection: boolean;
  cancellation_details: StoredCancellationDetails;
  raw: unknown;
  /** When the snapshot was true: our clock when fetched, the event's creation for an event. */
  observed_at_ms: number;
  observed_source: ObservedSource;
}

/** Every column a newer snapshot replaces: all but the key and the account's. */
export const REPLACED = [
  "customer_id",
  "status",
  "currency",
  "mrr_amount",
  "monthly_value",
  "plan",
  "items",
  "created",
  "trial_end",
  "current_period_end",
  "cancel_at",
  "canceled_at",
  "ended_at",
  "cancel_at_period_end",
  "paused_collection",
  "cancellation_details",
  "raw",
  "observed_at_ms",
  "observed_source",
] as const;

/**
 * The ordering guard: the incoming snapshot (`excluded`) is not older than the stored one. By
 * milliseconds, and at the same millisecond a fetch (the whole object now) beats an event's
 * copy (an event's time is whole seconds, and its copy may lack what MRR needs).
 */
export const NOT_OLDER = sql<boolean>`(excluded.observed_at_ms, excluded.observed_source = 'fetch')
  >= (billing_subscriptions.observed_at_ms, billing_subscriptions.observed_source = 'fetch')`;

export function columnsOf(row: SubscriptionSnapshot) {
  return {
    ...row,
    items: JSON.stringify(row.items),
    cancellation_details: JSON.stringify(row.cancellation_details),
    raw: JSON.stringify(row.raw),
  };
}

/** The newest of each id: a page repeating an object would otherwise fail the statement. */
export function newestOfEachId(rows: readonly SubscriptionSnapshot[]): SubscriptionSnapshot[] {
  const byId = new Map<string, SubscriptionSnapshot>();
  for (const row of rows) {
    const kept = byId.get(row.id);
    if (!kept || row.observed_at_ms >= kept.observed_at_ms) byId.set(row.id, row);
  }
  return [...byId.values()];
}

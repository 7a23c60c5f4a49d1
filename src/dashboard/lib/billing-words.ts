import type { Backfill, CancellationInsights, CustomerBilling } from "../api/types.js";

type Entry = CancellationInsights["by_entry"][number]["key"];
type Tenure = CancellationInsights["by_tenure"][number]["key"];
type Cancellation = CustomerBilling["cancellations"][number];

const ENTRIES: Record<Entry, string> = {
  widget: "Our widget",
  api: "REST API",
  portal: "Stripe customer portal",
  provider: "Stripe dashboard or API",
  provider_dashboard: "Stripe dashboard (staff)",
  provider_api: "Stripe API (your backend)",
  payment_failure: "Payment failure (involuntary)",
  unknown: "Unknown",
};

/** Where a cancellation started, in words. */
export const entryLabel = (key: Entry | Cancellation["path"]) => ENTRIES[key];

const TENURES: Record<Tenure, string> = {
  under_1_month: "Under 1 month",
  "1_to_3_months": "1–3 months",
  "3_to_6_months": "3–6 months",
  "6_to_12_months": "6–12 months",
  "12_months_or_more": "12 months or more",
  unknown: "Unknown",
};

export const tenureLabel = (key: Tenure) => TENURES[key];

const STATES: Record<Cancellation["state"], string> = {
  scheduled: "Set to end",
  ended: "Ended",
  reactivated: "Reactivated (stayed)",
};

export const cancellationStateLabel = (state: Cancellation["state"]) => STATES[state];

const PHASES: Record<Backfill["phase"], string> = {
  customers: "Reading customers",
  subscriptions: "Reading subscriptions",
  done: "Done",
};

export const phaseLabel = (phase: Backfill["phase"]) => PHASES[phase];

/**
 * A sync problem said so that an owner knows what to do; the server's own message for codes
 * this list does not know.
 */
export function problemInWords(problem: { code: string; message: string }): string {
  switch (problem.code) {
    case "invalid_key":
      return "Stripe refused the key: it was revoked, has expired or was not copied whole. Disconnect and connect again with a new restricted key.";
    case "permission_denied":
      return "The key lacks a read permission the sync needs. Give it the permissions listed below, or create a new restricted key with them.";
    case "rate_limited":
      return "Stripe asked us to slow down and kept refusing: the sync tries again later by itself.";
    case "unavailable":
      return "Stripe could not be reached: the sync tries again later by itself.";
    case "request_failed":
      return "Stripe refused a request of the sync. Try Sync now; if it fails again, the server's log has the details.";
    case "cursor_aging":
      return "The catch-up has not kept up for weeks, and Stripe keeps events for 30 days only. Check that the worker runs, then press Sync now.";
    case "cursor_expired":
      return "Stripe no longer has the events since the last catch-up: a full sync was started to catch up.";
    default:
      return problem.message;
  }
}

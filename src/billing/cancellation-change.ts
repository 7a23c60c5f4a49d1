import type { BillingEvent, BillingSubscription, CancellationDetails } from "./provider.js";

/**
 * What a change of one subscription means for churn: it was set to end, it ended, or a
 * scheduled end was taken back. Read from two snapshots (before and after) rather than from
 * event types, so a webhook, a catch-up event and a backfill's first sight of a subscription
 * all reach the same answer, and a duplicate or late snapshot (before equals after) means
 * nothing.
 */

/**
 * Who ended it at the provider. `provider`: its dashboard or its API (the site's own backend,
 * often right after our widget asked why); Stripe's events cannot tell those two apart.
 * `portal`: the provider's hosted customer portal, known by the feedback it collects.
 */
export type CancellationPath = "portal" | "provider" | "payment_failure" | "unknown";

/** When it takes effect: at once, at the end of the paid period, or at a chosen date. */
export type CancellationTiming = "immediate" | "period_end" | "scheduled";

/** The fields of a subscription this reads; a stored row gives them as well as a snapshot. */
export type SubscriptionFacts = Pick<
  BillingSubscription,
  | "status"
  | "cancelAtPeriodEnd"
  | "cancelAt"
  | "canceledAt"
  | "endedAt"
  | "currentPeriodEnd"
  | "cancellationDetails"
>;

interface Ending {
  path: CancellationPath;
  timing: CancellationTiming;
  voluntary: boolean;
  /** Unix seconds. */
  requestedAt: number;
  details: CancellationDetails;
}

export type CancellationChange =
  | { kind: "none" }
  /** Set to end later; `endsAt` null when the provider gives no date. */
  | ({ kind: "scheduled"; endsAt: number | null } & Ending)
  | ({ kind: "ended"; endedAt: number } & Ending)
  /** A scheduled end taken back before it came: not churn. */
  | { kind: "reactivated"; at: number };

/** What caused the change: the event's API request, or `undefined` when not known (a fetch). */
export type ChangeCause = BillingEvent["request"] | undefined;

type Phase = "running" | "scheduled" | "ended";

function phaseOf(s: SubscriptionFacts): Phase {
  if (s.status === "canceled") return "ended";
  return s.cancelAtPeriodEnd || s.cancelAt !== null ? "scheduled" : "running";
}

function endsAtOf(s: SubscriptionFacts): number | null {
  return s.cancelAtPeriodEnd ? s.currentPeriodEnd : s.cancelAt;
}

function timingOf(s: SubscriptionFacts): CancellationTiming {
  if (s.cancelAtPeriodEnd) return "period_end";
  return s.cancelAt !== null ? "scheduled" : "immediate";
}

// Stripe's reasons for an end the customer did not ask for (dunning gave up, a dispute).
const INVOLUNTARY_REASONS = new Set(["payment_failed", "payment_disputed"]);

function pathOf(before: SubscriptionFacts | null, after: SubscriptionFacts, cause: ChangeCause) {
  const { reason, feedback, comment } = after.cancellationDetails;
  if (reason !== null && INVOLUNTARY_REASONS.has(reason)) return "payment_failure";
  // Dunning that ends a subscription without naming a reason (older API versions).
  if (
    reason === null &&
    cause === null &&
    (before?.status === "unpaid" || before?.status === "past_due")
  ) {
    return "payment_failure";
  }
  if (feedback !== null || comment !== null) return "portal";
  if (cause?.id) return "provider";
  return "unknown";
}

function ending(
  before: SubscriptionFacts | null,
  after: SubscriptionFacts,
  cause: ChangeCause,
  timing: CancellationTiming,
  fallbackAt: number,
): Ending {
  const path = pathOf(before, after, cause);
  return {
    path,
    timing,
    voluntary: path !== "payment_failure",
    requestedAt: after.canceledAt ?? after.endedAt ?? fallbackAt,
    details: after.cancellationDetails,
  };
}

/**
 * The change from `before` (null: never seen) to `after`. `at` (Unix seconds) dates a
 * reactivation, and a request the provider did not date.
 */
export function cancellationChange(
  before: SubscriptionFacts | null,
  after: SubscriptionFacts,
  cause: ChangeCause,
  at: number,
): CancellationChange {
  const was = before ? phaseOf(before) : "running";
  const now = phaseOf(after);
  if (now === "ended" && was !== "ended") {
    // A scheduled end that came keeps the timing it was given; an end seen without its
    // schedule (a backfill) is read from what the subscription still says.
    const timing = was === "scheduled" && before ? timingOf(before) : timingOf(after);
    return {
      kind: "ended",
      endedAt: after.endedAt ?? after.canceledAt ?? at,
      ...ending(before, after, cause, timing, at),
    };
  }
  if (
    now === "scheduled" &&
    (was === "running" || (before && endsAtOf(before) !== endsAtOf(after)))
  ) {
    return {
      kind: "scheduled",
      endsAt: endsAtOf(after),
      ...ending(before, after, cause, timingOf(after), at),
    };
  }
  if (now === "running" && was === "scheduled") return { kind: "reactivated", at };
  return { kind: "none" };
}

/**
 * Stripe's portal feedback values, each with words an account's reason for it would use
 * (the default reasons and the usual renames), to preselect the account's own reason.
 */
const FEEDBACK_WORDS: Record<string, readonly string[]> = {
  too_expensive: ["expensive", "price", "pricing", "cost", "afford", "budget"],
  missing_features: ["feature", "missing"],
  switched_service: ["competitor", "switch", "alternative", "another"],
  unused: ["not using", "unused", "use it enough", "don't use", "no longer need"],
  customer_service: ["support", "service"],
  too_complex: ["complex", "complicated", "difficult", "hard to use"],
  low_quality: ["quality", "technical", "bug", "problem", "reliab"],
  other: ["other"],
};

/**
 * The account's reason a provider's feedback value stands for, or null when none reads like
 * it; the owner can change it afterwards.
 */
export function reasonForFeedback(
  feedback: string | null,
  reasons: readonly { id: string; text: string }[],
): string | null {
  const words = feedback ? FEEDBACK_WORDS[feedback] : undefined;
  if (!words) return null;
  const match = reasons.find((r) => {
    const text = r.text.toLowerCase();
    return words.some((w) => text.includes(w));
  });
  return match?.id ?? null;
}

import { describe, expect, it } from "vitest";
import {
  type ChangeCause,
  cancellationChange,
  reasonForFeedback,
} from "../../src/billing/cancellation-change.js";
import type { BillingSubscription } from "../../src/billing/provider.js";
import { DEFAULT_REASONS } from "../../src/db/default-reasons.js";
import { subscription } from "./normalized.js";

const NOW = 1_701_000_000;
const PERIOD_END = 1_702_592_000;
const byApi: ChangeCause = { id: "req_1", idempotencyKey: null };
const automatic: ChangeCause = null;

const active = subscription();
const atPeriodEnd = subscription({
  cancelAtPeriodEnd: true,
  canceledAt: NOW,
  cancellationDetails: { reason: "cancellation_requested", feedback: null, comment: null },
});

function ended(fields: Partial<BillingSubscription> = {}): BillingSubscription {
  return subscription({
    status: "canceled",
    canceledAt: NOW,
    endedAt: NOW,
    cancellationDetails: { reason: "cancellation_requested", feedback: null, comment: null },
    ...fields,
  });
}

describe("a subscription's change, read as churn", () => {
  it("set to end at the period's end, through the provider's API: scheduled, voluntary", () => {
    expect(cancellationChange(active, atPeriodEnd, byApi, NOW)).toEqual({
      kind: "scheduled",
      endsAt: PERIOD_END,
      path: "provider",
      timing: "period_end",
      voluntary: true,
      requestedAt: NOW,
      details: atPeriodEnd.cancellationDetails,
    });
  });

  it("the period end arriving ends it, keeping the timing and requested time it was given", () => {
    const end = ended({ cancelAtPeriodEnd: false, canceledAt: NOW, endedAt: PERIOD_END });
    expect(cancellationChange(atPeriodEnd, end, automatic, PERIOD_END)).toMatchObject({
      kind: "ended",
      endedAt: PERIOD_END,
      timing: "period_end",
      requestedAt: NOW,
    });
  });

  it("a cancel at a chosen date is scheduled with that date; moving the date is news", () => {
    const later = subscription({ cancelAt: NOW + 86_400, canceledAt: NOW });
    expect(cancellationChange(active, later, byApi, NOW)).toMatchObject({
      kind: "scheduled",
      timing: "scheduled",
      endsAt: NOW + 86_400,
    });
    const moved = { ...later, cancelAt: NOW + 2 * 86_400 };
    expect(cancellationChange(later, moved, byApi, NOW)).toMatchObject({
      kind: "scheduled",
      endsAt: NOW + 2 * 86_400,
    });
    expect(cancellationChange(later, later, byApi, NOW)).toEqual({ kind: "none" });
  });

  it("a portal cancel is known by its feedback and comment", () => {
    const portal = ended({
      cancellationDetails: {
        reason: "cancellation_requested",
        feedback: "too_expensive",
        comment: "Cheaper elsewhere",
      },
    });
    expect(cancellationChange(active, portal, byApi, NOW)).toMatchObject({
      kind: "ended",
      path: "portal",
      timing: "immediate",
      voluntary: true,
      details: { feedback: "too_expensive", comment: "Cheaper elsewhere" },
    });
  });

  it("a deletion in the provider's dashboard or API ends it at once", () => {
    expect(cancellationChange(active, ended(), byApi, NOW)).toMatchObject({
      kind: "ended",
      path: "provider",
      timing: "immediate",
      voluntary: true,
    });
  });

  it.each([
    ["payment_failed", active],
    ["payment_disputed", active],
  ])("an end for %s is involuntary", (reason, before) => {
    const dunned = ended({ cancellationDetails: { reason, feedback: null, comment: null } });
    expect(cancellationChange(before, dunned, automatic, NOW)).toMatchObject({
      kind: "ended",
      path: "payment_failure",
      voluntary: false,
    });
  });

  it("dunning that ends an unpaid subscription without a reason is involuntary too", () => {
    const unpaid = subscription({ status: "unpaid" });
    const dunned = ended({ cancellationDetails: { reason: null, feedback: null, comment: null } });
    expect(cancellationChange(unpaid, dunned, automatic, NOW)).toMatchObject({
      path: "payment_failure",
      voluntary: false,
    });
  });

  it("a scheduled end taken back is a reactivation, dated when seen", () => {
    expect(cancellationChange(atPeriodEnd, active, byApi, NOW + 60)).toEqual({
      kind: "reactivated",
      at: NOW + 60,
    });
  });

  it.each<[string, BillingSubscription | null, BillingSubscription]>([
    ["the same snapshot twice", atPeriodEnd, atPeriodEnd],
    ["an ended one seen again", ended(), ended()],
    ["a running one changing plan", active, subscription({ status: "past_due" })],
    ["a running one seen first", null, active],
  ])("%s means nothing", (_, before, after) => {
    expect(cancellationChange(before, after, byApi, NOW)).toEqual({ kind: "none" });
  });

  it("first sight in a backfill: an ended one is an end, a scheduled one is scheduled", () => {
    expect(cancellationChange(null, ended(), undefined, NOW)).toMatchObject({
      kind: "ended",
      path: "unknown",
    });
    expect(cancellationChange(null, atPeriodEnd, undefined, NOW)).toMatchObject({
      kind: "scheduled",
      timing: "period_end",
    });
    const endedAtPeriodEnd = ended({ cancelAtPeriodEnd: true, endedAt: PERIOD_END });
    expect(cancellationChange(null, endedAtPeriodEnd, undefined, NOW)).toMatchObject({
      timing: "period_end",
    });
  });

  it("an end with no dates is dated by the time given", () => {
    const undated = ended({ canceledAt: null, endedAt: null });
    expect(cancellationChange(active, undated, byApi, NOW + 5)).toMatchObject({
      requestedAt: NOW + 5,
      endedAt: NOW + 5,
    });
  });
});

describe("a portal's feedback, as one of the account's reasons", () => {
  const reasons = DEFAULT_REASONS.map((text, i) => ({ id: `r${i}`, text }));
  const textOf = (feedback: string | null) =>
    reasons.find((r) => r.id === reasonForFeedback(feedback, reasons))?.text ?? null;

  it.each([
    ["too_expensive", "Too expensive"],
    ["missing_features", "Missing features I need"],
    ["switched_service", "Switched to a competitor"],
    ["unused", "Not using it enough"],
    ["customer_service", "Poor customer support"],
    ["low_quality", "Technical problems"],
    ["other", "Other"],
  ])("%s → %s", (feedback, text) => {
    expect(textOf(feedback)).toBe(text);
  });

  it("none when nothing reads like it, or no feedback was given", () => {
    expect(reasonForFeedback("too_complex", reasons)).toBeNull();
    expect(reasonForFeedback(null, reasons)).toBeNull();
    expect(reasonForFeedback("something_new", reasons)).toBeNull();
    expect(reasonForFeedback("too_expensive", [{ id: "x", text: "Moving house" }])).toBeNull();
  });
});

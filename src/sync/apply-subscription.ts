import {
  type CancellationChange,
  type ChangeCause,
  cancellationChange,
  reasonForFeedback,
  type SubscriptionFacts,
} from "../billing/cancellation-change.js";
import type { MrrOptions } from "../billing/mrr.js";
import type { BillingSubscription, SubscriptionStatus } from "../billing/provider.js";
import type { BillingConnection } from "../db/repositories/billing-connections.js";
import { DEFAULT_LINK_WINDOW_DAYS } from "../db/repositories/cancellation-answers.js";
import type { Repositories } from "../db/repositories/index.js";
import type { BillingSubscriptionRow } from "../db/schema.js";
import { queueReasonEmail } from "../mail/reason-email.js";
import { subscriptionRow } from "./subscription-row.js";

type ConnectionKey = Pick<BillingConnection, "id" | "account_id" | "mode">;

export interface AppliedSubscription {
  /** False when the stored state was newer (the ordering guard kept it). */
  applied: boolean;
  change: CancellationChange["kind"];
  /** The cancellation recorded or reactivated, if any. */
  cancellationId: string | null;
}

const secondsOf = (date: Date | string | null): number | null =>
  date === null ? null : Math.floor(new Date(date).getTime() / 1000);
const dateOf = (seconds: number | null): Date | null =>
  seconds === null ? null : new Date(seconds * 1000);

/** A stored row read as the facts a cancellation is judged by. */
export function factsOfRow(row: BillingSubscriptionRow): SubscriptionFacts {
  return {
    status: row.status as SubscriptionStatus,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    cancelAt: secondsOf(row.cancel_at),
    canceledAt: secondsOf(row.canceled_at),
    endedAt: secondsOf(row.ended_at),
    currentPeriodEnd: secondsOf(row.current_period_end),
    cancellationDetails: row.cancellation_details,
  };
}

/**
 * One subscription's news, in one transaction: the snapshot is stored unless older than what
 * is (the ordering guard, the row locked till the end), and what changed between the stored
 * state and it is read as churn: a cancellation recorded (lost MRR: its monthly value before
 * the change; the portal's feedback as the account's reason) and linked to the answers that
 * explain it, which get its MRR and plan where they have none (an answer that gets its MRR
 * now is sent again as `cancellation.updated`), or a scheduled one reactivated. A new
 * voluntary cancellation that no answer explains gets a reason email, queued here too; a
 * subscription that pays stops the customer's win-back campaigns.
 * `at` (Unix seconds) dates what the provider did not: a reactivation, an undated request.
 */
export function applySubscription(
  repos: Repositories,
  connection: ConnectionKey,
  subscription: BillingSubscription,
  cause: ChangeCause,
  at: number,
  mrr: MrrOptions,
): Promise<AppliedSubscription> {
  return repos.transaction(async (tx) => {
    const snapshot = subscriptionRow(connection, subscription, mrr);
    const { previous, applied } = await tx.billingSubscriptions.apply(snapshot);
    if (!applied) return { applied, change: "none", cancellationId: null };
    await tx.campaigns.stopForResubscription(snapshot);
    const change = cancellationChange(
      previous ? factsOfRow(previous) : null,
      subscription,
      cause,
      at,
    );
    const key = {
      account_id: connection.account_id,
      connection_id: connection.id,
      subscription_id: subscription.id,
    };
    if (change.kind === "none") return { applied, change: change.kind, cancellationId: null };
    if (change.kind === "reactivated") {
      const reactivated = await tx.cancellations.reactivate(key, new Date(change.at * 1000));
      return { applied, change: change.kind, cancellationId: reactivated?.id ?? null };
    }
    const before = previous ?? snapshot;
    const feedback = change.details.feedback;
    const reasons = feedback ? await tx.reasons.listWithTotals(connection.account_id) : [];
    const { cancellation, created } = await tx.cancellations.record({
      ...key,
      customer_id: subscription.customerId,
      test_mode: connection.mode === "test",
      path: change.path,
      timing: change.timing,
      state: change.kind,
      requested_at: new Date(change.requestedAt * 1000),
      ends_at: change.kind === "scheduled" ? dateOf(change.endsAt) : undefined,
      ended_at: change.kind === "ended" ? dateOf(change.endedAt) : undefined,
      subscription_created_at: dateOf(subscription.created),
      lost_mrr: { amount: Number(before.monthly_value), currency: before.currency },
      plan: before.plan,
      provider_reason: change.details.reason,
      provider_feedback: feedback,
      provider_comment: change.details.comment,
      reason_id: reasonForFeedback(feedback, reasons),
    });
    const links = await tx.cancellationAnswers.linkAnswers(cancellation, DEFAULT_LINK_WINDOW_DAYS);
    if (created) await queueReasonEmail(tx, cancellation, links.length);
    const mrrArrived = await tx.cancellationAnswers.fillAnswers(
      connection.account_id,
      cancellation.id,
    );
    await tx.webhookDeliveries.enqueueUpdated(connection.account_id, mrrArrived);
    return { applied, change: change.kind, cancellationId: cancellation.id };
  });
}

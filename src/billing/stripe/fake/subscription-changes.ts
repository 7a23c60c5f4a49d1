import type Stripe from "stripe";
import type { SubscriptionEventType } from "./event-log.js";

/**
 * The ways a subscription changes at Stripe, each as Stripe does it and with the event it
 * sends. `requested`: made by an API request (the customer in the portal, staff in the
 * dashboard, the site's backend); otherwise Stripe acted alone (a period's end, dunning).
 * Apply one with `FakeStripeAccount.change`.
 */
export interface SubscriptionChange {
  type: SubscriptionEventType;
  requested: boolean;
  apply(subscription: Stripe.Subscription, now: number): void;
}

/** What the customer said in Stripe's own cancel flow (the customer portal). */
export interface CancelFeedback {
  feedback?: Stripe.Subscription.CancellationDetails.Feedback;
  comment?: string;
}

function details(
  reason: Stripe.Subscription.CancellationDetails.Reason | null,
  answer: CancelFeedback = {},
): Stripe.Subscription.CancellationDetails {
  const { feedback = null, comment = null } = answer;
  return { reason, feedback, feedback_option: null, comment };
}

function end(subscription: Stripe.Subscription, at: number): void {
  subscription.status = "canceled";
  subscription.ended_at = at;
}

/** To stop at the period's end; `canceled_at` is when it was asked. */
export const scheduleCancellation = (answer?: CancelFeedback): SubscriptionChange => ({
  type: "customer.subscription.updated",
  requested: true,
  apply(sub, now) {
    sub.cancel_at_period_end = true;
    sub.cancel_at = sub.items.data[0]?.current_period_end ?? null;
    sub.canceled_at = now;
    sub.cancellation_details = details("cancellation_requested", answer);
  },
});

/** A scheduled cancellation taken back before the period ended: a reactivation. */
export const keepSubscription = (): SubscriptionChange => ({
  type: "customer.subscription.updated",
  requested: true,
  apply(sub) {
    sub.cancel_at_period_end = false;
    sub.cancel_at = null;
    sub.canceled_at = null;
    sub.cancellation_details = details(null);
  },
});

/** Ended at once, by the customer (portal) or staff (dashboard, API). */
export const cancelNow = (answer?: CancelFeedback): SubscriptionChange => ({
  type: "customer.subscription.deleted",
  requested: true,
  apply(sub, now) {
    end(sub, now);
    sub.canceled_at = now;
    sub.cancellation_details = details("cancellation_requested", answer);
  },
});

/** The period of a scheduled cancellation is over. */
export const endPeriod = (): SubscriptionChange => ({
  type: "customer.subscription.deleted",
  requested: false,
  apply: end,
});

/** A renewal payment failed: past due while Stripe retries it. */
export const failPayment = (): SubscriptionChange => ({
  type: "customer.subscription.updated",
  requested: false,
  apply(sub) {
    sub.status = "past_due";
  },
});

/** The payment retries ran out: Stripe ends it for non-payment. */
export const exhaustPaymentRetries = (): SubscriptionChange => ({
  type: "customer.subscription.deleted",
  requested: false,
  apply(sub, now) {
    end(sub, now);
    sub.canceled_at = now;
    sub.cancellation_details = details("payment_failed");
  },
});

/** Seats added or removed on the first item: an upgrade or a downgrade. */
export const changeQuantity = (quantity: number): SubscriptionChange => ({
  type: "customer.subscription.updated",
  requested: true,
  apply(sub) {
    const item = sub.items.data[0];
    if (item) item.quantity = quantity;
  },
});

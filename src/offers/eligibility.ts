import { createHash } from "node:crypto";
import type { BillingMode, BillingSubscription } from "../billing/provider.js";
import type { Offer, OfferAcceptance } from "../db/schema.js";

/** Why a customer gets no offer: one code per rule, recorded and testable one by one. */
export type Refusal =
  /** Offers that change billing need `customer_oid_hash`: anyone can type a customer id. */
  | "unverified_customer"
  /** No subscription of this customer is synced in the request's mode. */
  | "no_subscription"
  /** A test-mode customer on a live connection, or the other way round. */
  | "mode_mismatch"
  | "subscription_not_active"
  | "cancel_scheduled"
  | "trialing"
  | "active_discount"
  /** This offer was accepted by this customer before. */
  | "already_redeemed"
  /** The customer accepted an offer within the account's window. */
  | "window_used"
  /** No active offer answers this reason for this subscription. */
  | "no_matching_offer";

/** What the rules look at, gathered server side: nothing here comes from the browser alone. */
export interface OfferFacts {
  /** The customer's hash checked (`customer_oid_hash` against the account's secret). */
  verified: boolean;
  /** The widget's `test_mode`. */
  testMode: boolean;
  /** The mode of the connection the subscription was found on; null without one. */
  connectionMode: BillingMode | null;
  /** As the provider has it now; null when the customer has none. */
  subscription: BillingSubscription | null;
  /** The customer's applied accepts, any offer. */
  applied: Pick<OfferAcceptance, "offer_id" | "created_at">[];
  windowMonths: number;
  now: Date;
}

/** Every kind but the "talk to us" link changes billing. */
export const changesBilling = (offer: Pick<Offer, "kind">) => offer.kind !== "contact_link";

function monthsBefore(now: Date, months: number): Date {
  const at = new Date(now);
  at.setUTCMonth(at.getUTCMonth() - months);
  return at;
}

/** Whether the offer's own conditions (reason, plan, tenure, interval) fit. */
export function offerFits(offer: Offer, reasonId: string, facts: OfferFacts): boolean {
  if (!offer.active || !offer.reason_ids.includes(reasonId)) return false;
  const sub = facts.subscription;
  const conditioned =
    offer.plan !== null ||
    offer.min_tenure_days !== null ||
    offer.max_tenure_days !== null ||
    offer.billing_interval !== null;
  if (!conditioned) return true;
  if (!sub) return false;
  const prices = sub.items.map((item) => item.price);
  if (
    offer.plan !== null &&
    !prices.some((p) => p.id === offer.plan || p.nickname === offer.plan)
  ) {
    return false;
  }
  const tenureDays = (facts.now.getTime() / 1000 - sub.created) / 86_400;
  if (offer.min_tenure_days !== null && tenureDays < offer.min_tenure_days) return false;
  if (offer.max_tenure_days !== null && tenureDays > offer.max_tenure_days) return false;
  if (
    offer.billing_interval !== null &&
    !prices.some((p) => p.recurring?.interval === offer.billing_interval)
  ) {
    return false;
  }
  return true;
}

/** The first rule that keeps this customer from this offer, or null when it may be shown. */
export function refusalFor(offer: Offer, facts: OfferFacts): Refusal | null {
  const since = monthsBefore(facts.now, facts.windowMonths);
  if (facts.applied.some((a) => a.offer_id === offer.id)) return "already_redeemed";
  if (facts.applied.some((a) => a.created_at > since)) return "window_used";
  if (!changesBilling(offer)) return null;
  if (!facts.verified) return "unverified_customer";
  const sub = facts.subscription;
  if (facts.connectionMode !== null && (facts.connectionMode === "test") !== facts.testMode) {
    return "mode_mismatch";
  }
  if (!sub || facts.connectionMode === null) return "no_subscription";
  if (sub.livemode === facts.testMode) return "mode_mismatch";
  if (sub.cancelAtPeriodEnd || sub.cancelAt !== null) return "cancel_scheduled";
  if (sub.status === "trialing") {
    if (offer.kind !== "trial_extension") return "trialing";
  } else if (sub.status !== "active" || sub.pausedCollection) {
    return "subscription_not_active";
  }
  const nowSeconds = facts.now.getTime() / 1000;
  const discounts = [...sub.discounts, ...sub.items.flatMap((item) => item.discounts)];
  if (discounts.some((d) => d.end === null || d.end > nowSeconds)) return "active_discount";
  return null;
}

/**
 * The one offer to show for this reason: the first (oldest) that fits and that no rule
 * refuses; else why not (the first fitting offer's refusal, or `no_matching_offer`).
 */
export function chooseOffer(
  offers: readonly Offer[],
  reasonId: string,
  facts: OfferFacts,
): { offer: Offer } | { refusal: Refusal } {
  const fitting = offers.filter((offer) => offerFits(offer, reasonId, facts));
  let first: Refusal | null = null;
  for (const offer of fitting) {
    const refusal = refusalFor(offer, facts);
    if (refusal === null) return { offer };
    first ??= refusal;
  }
  return { refusal: first ?? "no_matching_offer" };
}

/**
 * Whether the customer is in the holdout: a stable draw from a hash of account and
 * customer, so the same customer is always on the same side (and the split needs no
 * storage); `percent` of customers fall in.
 */
export function isHeldOut(accountId: string, customerId: string, percent: number): boolean {
  if (percent <= 0) return false;
  const digest = createHash("sha256").update(`${accountId}\u0000${customerId}`).digest();
  return digest.readUInt32BE(0) % 100 < percent;
}

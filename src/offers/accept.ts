import { BillingError } from "../billing/billing-error.js";
import type { BillingProvider, BillingSubscription } from "../billing/provider.js";
import type { Repositories } from "../db/repositories/index.js";
import type { Offer, OfferAcceptance } from "../db/schema.js";
import { AppError } from "../errors.js";
import { type OfferFacts, refusalFor } from "./eligibility.js";
import type { OfferTokenClaims } from "./offer-token.js";
import { announceAccepted } from "./save-check.js";

const DAY = 86_400;

function addMonths(seconds: number, months: number): number {
  const at = new Date(seconds * 1000);
  at.setUTCMonth(at.getUTCMonth() + months);
  return Math.floor(at.getTime() / 1000);
}

/**
 * Carries the offer out at the provider under `idempotencyKey`; null for the talk-to-us
 * link, which changes nothing there. Parameters were checked when the offer was saved.
 */
export async function applyOffer(
  provider: BillingProvider,
  offer: Offer,
  subscription: BillingSubscription,
  idempotencyKey: string,
  nowSeconds: number,
): Promise<BillingSubscription | null> {
  if (offer.kind === "contact_link") return null;
  const actions = provider.offers;
  if (!actions) {
    throw new BillingError("request_failed", `${provider.provider} has no offers built.`);
  }
  const options = { idempotencyKey };
  const p = offer.params;
  switch (offer.kind) {
    case "discount": {
      const months = p.duration_in_months ?? 1;
      const terms =
        p.percent_off !== undefined
          ? { percentOff: p.percent_off, durationInMonths: months }
          : {
              amountOff: p.amount_off ?? 0,
              currency: p.currency ?? subscription.currency,
              durationInMonths: months,
            };
      return actions.applyDiscount(subscription.id, terms, options);
    }
    case "pause":
      return actions.pauseCollection(
        subscription.id,
        addMonths(nowSeconds, p.months ?? 1),
        options,
      );
    case "price_switch":
      return actions.switchPrice(
        subscription.id,
        p.price_id ?? "",
        p.proration ?? "create_prorations",
        options,
      );
    case "trial_extension": {
      const from = Math.max(subscription.trialEnd ?? nowSeconds, nowSeconds);
      return actions.extendTrial(subscription.id, from + (p.days ?? 7) * DAY, options);
    }
  }
}

export interface AcceptInput {
  accountId: string;
  connectionId: string | null;
  claims: OfferTokenClaims;
  offer: Offer;
  /** Gathered again now: the token proves what was shown, not that it still may be given. */
  facts: OfferFacts;
}

/**
 * Accepts an offer shown under a verified token: refuses a replay, checks the rules again,
 * applies it at the provider (the token's nonce is the idempotency key, so a retried accept
 * applies once) and records the result. A provider failure is recorded as `failed` and
 * thrown as `offer_apply_failed`: nothing counts as accepted. An accept on a subscription
 * is a save to prove (`pending`); with the record go its check and `retention.accepted`.
 */
export async function acceptOffer(
  repos: Repositories,
  provider: BillingProvider | null,
  input: AcceptInput,
): Promise<{ acceptance: OfferAcceptance; subscription: BillingSubscription | null }> {
  const { accountId, claims, offer, facts } = input;
  if (await repos.offerAcceptances.tokenUsed(accountId, claims.nonce)) {
    throw new AppError("offer_already_accepted", undefined, { field: "offer_token" });
  }
  const refusal = refusalFor(offer, facts);
  if (refusal !== null) {
    throw new AppError("offer_not_eligible", `This customer may not have this offer: ${refusal}.`);
  }
  const row = {
    offer_id: offer.id,
    offer_kind: offer.kind,
    connection_id: input.connectionId,
    customer_id: claims.customerId,
    subscription_id: facts.subscription?.id ?? null,
    test_mode: facts.testMode,
    token_id: claims.nonce,
  };
  let subscription: BillingSubscription | null = null;
  try {
    if (facts.subscription && provider) {
      const key = `offer_${accountId}_${claims.nonce}`;
      const nowSeconds = Math.floor(facts.now.getTime() / 1000);
      subscription = await applyOffer(provider, offer, facts.subscription, key, nowSeconds);
    } else if (offer.kind !== "contact_link") {
      throw new BillingError("request_failed", "No billing connection for this customer.");
    }
  } catch (error) {
    if (!(error instanceof BillingError)) throw error;
    await repos.offerAcceptances.record(accountId, {
      ...row,
      result: "failed",
      error_code: error.code,
    });
    throw new AppError("offer_apply_failed", undefined, { cause: error });
  }
  const tracked = row.subscription_id !== null && row.connection_id !== null;
  const acceptance = await repos.transaction(async (tx) => {
    const recorded = await tx.offerAcceptances.record(accountId, {
      ...row,
      result: "applied",
      error_code: null,
      save_status: tracked ? "pending" : null,
    });
    if (recorded) await announceAccepted(tx, recorded);
    return recorded;
  });
  if (!acceptance)
    throw new AppError("offer_already_accepted", undefined, { field: "offer_token" });
  return { acceptance, subscription };
}

import type Stripe from "stripe";
import { BillingError } from "../billing-error.js";
import type {
  BillingOfferActions,
  BillingPrice,
  BillingSubscription,
  DiscountTerms,
  OfferActionOptions,
} from "../provider.js";
import type { StripeConnection } from "./connection.js";
import { isMissing } from "./errors.js";
import { firstChargedInvoiceSince } from "./invoices.js";
import { mapFetched, SUBSCRIPTION_EXPAND } from "./lists.js";
import { mapPrice } from "./map.js";

/**
 * One coupon per set of terms, named by them: a second discount offer with the same terms
 * reuses it instead of filling the account with copies.
 */
export function couponIdFor(terms: DiscountTerms): string {
  const off =
    "percentOff" in terms
      ? `${terms.percentOff}pct`
      : `${terms.amountOff}${terms.currency.toLowerCase()}`;
  return `ci_offer_${off}_${terms.durationInMonths}m`;
}

function couponParams(terms: DiscountTerms): Stripe.CouponCreateParams {
  const off =
    "percentOff" in terms
      ? { percent_off: terms.percentOff }
      : { amount_off: terms.amountOff, currency: terms.currency.toLowerCase() };
  return {
    id: couponIdFor(terms),
    name: "Retention offer",
    duration: "repeating",
    duration_in_months: terms.durationInMonths,
    ...off,
  };
}

/**
 * `not_found` for the subscription itself missing; a missing price or coupon it names stays
 * Stripe's refusal (`request_failed`, `resource_missing` on that parameter).
 */
function subscriptionMissing(error: unknown): unknown {
  if (!isMissing(error)) return error;
  const param = ((error as BillingError).cause as Stripe.errors.StripeError | undefined)?.param;
  if (param !== undefined && param !== "id") return error;
  return new BillingError("not_found", "Stripe has no such subscription.", { cause: error });
}

/**
 * Stripe's offer actions for one connection. Each write carries an idempotency key derived
 * from the caller's, so a retry (the connection's own after a 5xx, or a retried accept)
 * returns the first result instead of acting twice.
 */
export function stripeOfferActions(connection: StripeConnection): BillingOfferActions {
  const { stripe, call } = connection;

  async function mapped(subscription: Stripe.Subscription, signal?: AbortSignal) {
    const [result] = await mapFetched(connection, [subscription], signal);
    if (!result) throw new BillingError("request_failed", "Stripe answered no subscription.");
    return result;
  }

  async function update(
    id: string,
    params: Stripe.SubscriptionUpdateParams,
    options: OfferActionOptions,
  ): Promise<BillingSubscription> {
    const request = () =>
      stripe.subscriptions.update(
        id,
        { ...params, expand: SUBSCRIPTION_EXPAND },
        { idempotencyKey: options.idempotencyKey },
      );
    try {
      return await mapped(await call(request, options.signal), options.signal);
    } catch (error) {
      throw subscriptionMissing(error);
    }
  }

  /** The coupon for the terms: the existing one, else created under the caller's key. */
  async function ensureCoupon(terms: DiscountTerms, options: OfferActionOptions): Promise<string> {
    const id = couponIdFor(terms);
    try {
      await call(() => stripe.coupons.retrieve(id), options.signal);
      return id;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    const create = () =>
      stripe.coupons.create(couponParams(terms), {
        idempotencyKey: `${options.idempotencyKey}:coupon`,
      });
    await call(create, options.signal);
    return id;
  }

  return {
    firstChargedInvoiceSince: (subscriptionId, since, signal) =>
      firstChargedInvoiceSince(connection, subscriptionId, since, signal),

    async applyDiscount(subscriptionId, terms, options) {
      const coupon = await ensureCoupon(terms, options);
      return update(subscriptionId, { discounts: [{ coupon }] }, options);
    },

    pauseCollection(subscriptionId, resumesAt, options) {
      // `void`: the invoices of the pause are not owed later, which is what a pause offers.
      const pause = { behavior: "void" as const, resumes_at: resumesAt };
      return update(subscriptionId, { pause_collection: pause }, options);
    },

    async switchPrice(subscriptionId, priceId, proration, options) {
      const current = await call(
        () => stripe.subscriptions.retrieve(subscriptionId),
        options.signal,
      ).catch((error: unknown) => {
        if (isMissing(error))
          throw new BillingError("not_found", "Stripe has no such subscription.");
        throw error;
      });
      const licensed = current.items.data.filter(
        (item) => item.price.recurring?.usage_type !== "metered",
      );
      const [item] = licensed;
      if (!item || licensed.length > 1) {
        throw new BillingError(
          "unsupported_subscription",
          "A price switch needs a subscription with exactly one licensed item.",
        );
      }
      const items = [{ id: item.id, price: priceId }];
      return update(subscriptionId, { items, proration_behavior: proration }, options);
    },

    async price(priceId, signal): Promise<BillingPrice | null> {
      try {
        return mapPrice(await call(() => stripe.prices.retrieve(priceId), signal));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },

    extendTrial(subscriptionId, trialEnd, options) {
      return update(subscriptionId, { trial_end: trialEnd, proration_behavior: "none" }, options);
    },
  };
}

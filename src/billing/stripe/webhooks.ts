import Stripe from "stripe";
import { BillingError } from "../billing-error.js";
import type { BillingEvent, WebhookRequest } from "../provider.js";
import { mapEvent } from "./events.js";
import type { CouponLookup } from "./map.js";

/** Stripe's own default: a signature older than five minutes is refused as a replay. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface WebhookCheck {
  /** Milliseconds, to judge the signature's age by. */
  now: () => number;
  toleranceSeconds?: number;
  coupons: CouponLookup;
}

/**
 * Checks a webhook with the SDK (the signature over the raw body with the endpoint's secret,
 * and its age), then reads it. Either failure is a BillingError: `invalid_signature` (not
 * from Stripe, or for another endpoint, or changed on the way) or `timestamp_too_old`.
 */
export async function parseStripeWebhook(
  request: WebhookRequest,
  check: WebhookCheck,
): Promise<BillingEvent> {
  const header = request.headers["stripe-signature"];
  if (header === undefined) {
    throw new BillingError("invalid_signature", "The webhook has no Stripe-Signature header.");
  }
  const tolerance = check.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const verify = (seconds: number) =>
    Stripe.webhooks.constructEventAsync(
      request.rawBody,
      header,
      request.secret,
      seconds,
      undefined,
      check.now(),
    );
  try {
    return mapEvent(await verify(tolerance), check.coupons);
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) {
      // Signed right but not JSON: nothing Stripe sends.
      throw new BillingError("invalid_signature", "The webhook body is not a Stripe event.", {
        cause: error,
      });
    }
    // The SDK tells a stale signature from a wrong one in words only: ask again without the
    // age check (tolerance 0) to know which.
    const stale = await verify(0).then(
      () => true,
      () => false,
    );
    if (stale) {
      throw new BillingError(
        "timestamp_too_old",
        `The webhook was signed more than ${tolerance} s ago: a replay or a very late delivery.`,
      );
    }
    throw new BillingError(
      "invalid_signature",
      "The webhook's signature does not match its body and this endpoint's secret.",
    );
  }
}

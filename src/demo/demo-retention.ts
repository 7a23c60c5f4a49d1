import type { Repositories } from "../db/repositories/index.js";
import type { Campaign, Offer } from "../db/schema.js";
import { defaultSteps } from "../mail/campaign-defaults.js";
import { checkSteps } from "../mail/campaign-template.js";
import { offerInputOf } from "../offers/offer-input.js";

/** The default reason the demo's offer and campaign answer (src/db/default-reasons.ts). */
export const DEMO_OFFER_REASON = "Too expensive";

/**
 * The demo account's retention: a 20% discount for three months offered to customers who
 * find it too expensive, and a win-back campaign with the default steps for them. Both go
 * through the checks the dashboard's API applies. The campaign is saved paused: the demo's
 * customers are made up, and a demo must never start sending mail.
 */
export async function addDemoRetention(
  repos: Repositories,
  accountId: string,
): Promise<{ offer: Offer; campaign: Campaign }> {
  const reasons = await repos.reasons.list(accountId);
  const reason = reasons.find((r) => r.text === DEMO_OFFER_REASON);
  if (!reason) throw new Error(`The demo account has no "${DEMO_OFFER_REASON}" reason.`);
  const offer = await repos.offers.create(
    accountId,
    offerInputOf(
      {
        kind: "discount",
        title: "20% off your next 3 months",
        description: "Stay on your plan and pay 20% less for the next three months.",
        params: { percent_off: 20, duration_in_months: 3 },
        reason_ids: [reason.id],
      },
      new Set(reasons.map((r) => r.id)),
    ),
  );
  const steps = defaultSteps();
  checkSteps(steps, true);
  const campaign = await repos.campaigns.create(accountId, {
    name: "Win back price-sensitive customers",
    reason_ids: [reason.id],
    offer_id: offer.id,
    steps,
    active: false,
  });
  return { offer, campaign };
}

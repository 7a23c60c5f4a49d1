import { describe, expect, it } from "vitest";
import type { BillingSubscription } from "../../src/billing/provider.js";
import { createStripeProvider } from "../../src/billing/stripe/provider.js";
import type { OfferInput } from "../../src/db/repositories/offers.js";
import { acceptOffer } from "../../src/offers/accept.js";
import type { OfferFacts } from "../../src/offers/eligibility.js";
import { issueOfferToken, verifyOfferToken } from "../../src/offers/offer-token.js";
import { fakeStripe, settingsFor, TEST_KEY } from "../billing/stripe/fake.js";
import { billingDatabase, connectedAccount } from "../db/billing/setup.js";

const { db, repos } = billingDatabase();
const { fake, clock } = await fakeStripe();
const provider = createStripeProvider({ apiKey: TEST_KEY, settings: settingsFor(fake), clock });
const stripe = fake.test;
const price = stripe.createPrice({
  currency: "usd",
  product: "prod_a",
  unitAmount: 3000,
  recurring: { interval: "month" },
});
const SECRET = "hash-secret";

const discountOffer: OfferInput = {
  kind: "discount",
  title: "30% off for 2 months",
  description: null,
  params: { percent_off: 30, duration_in_months: 2 },
  reason_ids: ["rsn_price"],
  plan: null,
  min_tenure_days: null,
  max_tenure_days: null,
  billing_interval: null,
  active: true,
};

async function setup() {
  const r = repos();
  const { accountId, connection } = await connectedAccount(r, "test");
  const customer = stripe.createCustomer();
  const sub = stripe.createSubscription({ customer: customer.id, items: [{ price: price.id }] });
  const offer = await r.offers.create(accountId, discountOffer);
  const pause = await r.offers.create(accountId, {
    ...discountOffer,
    kind: "pause",
    params: { months: 2 },
  });
  /** What the server gathers before showing or accepting. */
  const facts = async (): Promise<OfferFacts> => ({
    verified: true,
    testMode: true,
    connectionMode: "test",
    subscription: (await provider.subscription(sub.id)) as BillingSubscription,
    applied: await r.offerAcceptances.appliedForCustomer(accountId, customer.id),
    windowMonths: 12,
    now: new Date(clock.now()),
  });
  const token = (offerId: string) =>
    issueOfferToken(SECRET, {
      accountId,
      customerId: customer.id,
      subscriptionId: sub.id,
      offerId,
      expiresAt: Math.floor(clock.now() / 1000) + 900,
    });
  /** Gathers the facts, then (`beforeApply`, e.g. a fault) accepts as the route does. */
  const accept = async (
    offerId: string,
    claims = token(offerId).claims,
    beforeApply: () => void = () => {},
  ) => {
    const input = {
      accountId,
      connectionId: connection.id,
      claims,
      offer: (await r.offers.find(accountId, offerId)) ?? offer,
      facts: await facts(),
    };
    beforeApply();
    return acceptOffer(r, provider, input);
  };
  return { r, accountId, customer, sub, offer, pause, token, accept };
}

describe("accepting an offer", () => {
  it("applies it at Stripe once, records it, and refuses a replay and a second offer", async () => {
    const { r, accountId, customer, sub, offer, pause, token, accept } = await setup();
    const shown = token(offer.id);
    const { acceptance, subscription } = await accept(offer.id, shown.claims);
    expect(acceptance).toMatchObject({
      result: "applied",
      offer_id: offer.id,
      subscription_id: sub.id,
    });
    expect(subscription?.discounts[0]?.coupon).toMatchObject({
      percentOff: 30,
      durationInMonths: 2,
    });
    expect(stripe.subscriptions.get(sub.id)?.discounts).toHaveLength(1);

    await expect(accept(offer.id, shown.claims)).rejects.toMatchObject({
      code: "offer_already_accepted",
    });
    // Another offer for the same customer within the window.
    await expect(accept(pause.id)).rejects.toMatchObject({
      code: "offer_not_eligible",
      message: expect.stringContaining("window_used"),
    });
    expect(stripe.subscriptions.get(sub.id)?.pause_collection).toBeNull();
    expect(await r.offerAcceptances.appliedForCustomer(accountId, customer.id)).toHaveLength(1);
  });

  it("records a provider failure as failed, nothing accepted, and says so", async () => {
    const { r, accountId, customer, sub, pause, accept } = await setup();
    const pending = accept(pause.id, undefined, () =>
      fake.inject({ kind: "server_error", status: 400, shouldRetry: false }),
    );
    await expect(pending).rejects.toMatchObject({ code: "offer_apply_failed", status: 502 });
    fake.clearFaults();
    expect(await r.offerAcceptances.appliedForCustomer(accountId, customer.id)).toEqual([]);
    expect(stripe.subscriptions.get(sub.id)?.pause_collection).toBeNull();
    const recorded = await db()
      .selectFrom("offer_acceptances")
      .select(["result", "error_code"])
      .where("account_id", "=", accountId)
      .execute();
    expect(recorded).toEqual([{ result: "failed", error_code: "request_failed" }]);
    // The customer may still take an offer later: the failure used up nothing.
    const { acceptance } = await accept(pause.id);
    expect(acceptance.result).toBe("applied");
    expect(stripe.subscriptions.get(sub.id)?.pause_collection).toMatchObject({ behavior: "void" });
  });
});

describe("the offer token", () => {
  const claims = {
    accountId: "acc_1",
    customerId: "cus_1",
    subscriptionId: "sub_1",
    offerId: "ofr_1",
    expiresAt: 2_000,
  };
  const expected = { accountId: "acc_1", customerId: "cus_1", now: 1_000 };

  it("gives back its claims to the account and customer it was made for", () => {
    const { token } = issueOfferToken(SECRET, claims);
    expect(verifyOfferToken(SECRET, token, expected)).toMatchObject(claims);
  });

  it.each([
    ["a forged signature", (t: string) => `${t.slice(0, -2)}AA`, expected],
    ["another secret's", (t: string) => issueOfferToken("other", claims).token || t, expected],
    [
      "edited claims",
      (t: string) => {
        const [, mac] = t.split(".");
        const body = Buffer.from(JSON.stringify({ ...claims, customerId: "cus_2" })).toString(
          "base64url",
        );
        return `${body}.${mac}`;
      },
      { ...expected, customerId: "cus_2" },
    ],
    ["another customer's id", (t: string) => t, { ...expected, customerId: "cus_2" }],
    ["an expired one", (t: string) => t, { ...expected, now: 2_000 }],
    ["garbage", () => "not-a-token", expected],
  ])("refuses %s", (_name, change, expect_) => {
    const { token } = issueOfferToken(SECRET, claims);
    expect(() => verifyOfferToken(SECRET, change(token), expect_)).toThrow(
      expect.objectContaining({ code: "invalid_offer_token", status: 403 }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { stripeWithPro } from "../helpers/billing-account.js";
import { DISCOUNT_OFFER, offerWidgetServer } from "../helpers/offer-widget.js";

const { fake, stripe, pro } = await stripeWithPro();
const subscribed = () => {
  const c = stripe.createCustomer();
  const sub = stripe.createSubscription({ customer: c.id, items: [{ price: pro.id }] });
  return { id: c.id, subscription: sub.id };
};
const ann = subscribed();
const bob = subscribed();
const widget = offerWidgetServer(fake);
const { offerFor, accept } = widget;

describe("the widget's offer step", () => {
  it("never shows an unverified customer a billing offer", async () => {
    expect(await offerFor(ann.id, false)).toBeNull();
  });

  it("shows a verified customer the offer, and accepting applies it at Stripe once", async () => {
    const offer = await offerFor(ann.id);
    expect(offer).toMatchObject({ kind: "discount", title: DISCOUNT_OFFER.title, url: null });
    // Another customer cannot use Ann's token, nor can a forged one pass.
    expect((await accept(bob.id, offer.offer_token)).json().error.code).toBe("invalid_offer_token");
    const forged = `${offer.offer_token.slice(0, -3)}AAA`;
    expect((await accept(ann.id, forged)).statusCode).toBe(403);

    const accepted = await accept(ann.id, offer.offer_token);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().accepted).toMatchObject({
      offer_id: offer.id,
      kind: "discount",
      customer_oid: ann.id,
      subscription_oid: ann.subscription,
      test_mode: true,
    });
    const discounts = stripe.subscriptions.get(ann.subscription)?.discounts ?? [];
    expect(discounts).toHaveLength(1);

    const replay = await accept(ann.id, offer.offer_token);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.code).toBe("offer_already_accepted");
    // Within the window, no further offer is shown.
    expect(await offerFor(ann.id)).toBeNull();
    expect(stripe.subscriptions.get(ann.subscription)?.discounts).toHaveLength(1);
  });

  it("says when Stripe fails, and records nothing as accepted", async () => {
    const offer = await offerFor(bob.id);
    fake.inject(
      { kind: "server_error", status: 400, shouldRetry: false },
      { path: "/v1/coupons", times: 2 },
    );
    const failed = await accept(bob.id, offer.offer_token);
    fake.clearFaults();
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error.code).toBe("offer_apply_failed");
    expect(
      await widget
        .server()
        .app.repos.offerAcceptances.appliedForCustomer(widget.server().accountId, bob.id),
    ).toEqual([]);
  });
});

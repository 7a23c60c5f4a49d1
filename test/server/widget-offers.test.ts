import { describe, expect, it } from "vitest";
import { isHeldOut } from "../../src/offers/eligibility.js";
import { stripeWithPro } from "../helpers/billing-account.js";
import { DISCOUNT_OFFER, offerWidgetServer } from "../helpers/offer-widget.js";

const { fake, stripe, subscribed } = await stripeWithPro();
const ann = subscribed();
const bob = subscribed();
// For the holdout: subscribed before the connection, so its backfill syncs them.
const customers = Array.from({ length: 8 }, subscribed);
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

describe("who was shown an offer, and who was held out", () => {
  it("records each, per customer on a stable side, and shows a held-out customer nothing", async () => {
    const { server } = widget;
    const accountId = server().accountId;
    await server().app.repos.offers.updateSettings(accountId, { holdout_percent: 50 });
    try {
      const heldOut = customers.filter((c) => isHeldOut(accountId, c.id, 50));
      const shown = customers.filter((c) => !isHeldOut(accountId, c.id, 50));
      expect(heldOut.length).toBeGreaterThan(0);
      expect(shown.length).toBeGreaterThan(0);
      for (const customer of customers) {
        for (let asked = 0; asked < 2; asked++) {
          const offer = await offerFor(customer.id);
          expect(offer === null, customer.id).toBe(heldOut.includes(customer));
        }
      }
      const rows = await server()
        .database.db.selectFrom("offer_acceptances")
        .select(["customer_id", "result", "subscription_id", "save_status"])
        .where("account_id", "=", accountId)
        .where(
          "customer_id",
          "in",
          customers.map((c) => c.id),
        )
        .execute();
      const expected = customers.flatMap((c) => {
        const row = {
          customer_id: c.id,
          result: heldOut.includes(c) ? "held_out" : "shown",
          subscription_id: c.subscription,
          save_status: null,
        };
        return [row, row];
      });
      const order = (a: { customer_id: string }, b: { customer_id: string }) =>
        a.customer_id.localeCompare(b.customer_id);
      expect(rows.sort(order)).toEqual(expected.sort(order));
    } finally {
      await server().app.repos.offers.updateSettings(accountId, { holdout_percent: 0 });
    }
  });
});

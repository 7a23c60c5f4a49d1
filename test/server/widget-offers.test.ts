import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfferInput } from "../../src/db/repositories/offers.js";
import { connectFakeStripe, fakeStripeEnv, stripeWithPro } from "../helpers/billing-account.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const { fake, stripe, pro } = await stripeWithPro();
const subscribed = () => {
  const c = stripe.createCustomer();
  const sub = stripe.createSubscription({ customer: c.id, items: [{ price: pro.id }] });
  return { id: c.id, subscription: sub.id };
};
const ann = subscribed();
const bob = subscribed();
const env = fakeStripeEnv(fake);
let server: TestServer;
let reasonId: string;
let secret: string;

const discount: Omit<OfferInput, "reason_ids"> = {
  kind: "discount",
  title: "20% off for 3 months",
  description: "Stay with us",
  params: { percent_off: 20, duration_in_months: 3 },
  plan: null,
  min_tenure_days: null,
  max_tenure_days: null,
  billing_interval: null,
  active: true,
};

beforeAll(async () => {
  server = await startTestServer({ listen: false, env });
  const connected = await connectFakeStripe(server, env);
  reasonId = connected.reasons[0]?.id ?? "";
  secret = connected.hashSecret;
  await server.app.repos.offers.create(server.accountId, { ...discount, reason_ids: [reasonId] });
});

afterAll(() => server?.close());

const hashOf = (customer: string) => createHmac("sha256", secret).update(customer).digest("hex");

function post(url: string, body: Record<string, unknown>) {
  return server.app.inject({
    method: "POST",
    url,
    headers: { "content-type": "text/plain" },
    payload: JSON.stringify({ access_token_id: server.accessTokenId, test_mode: true, ...body }),
  });
}

async function offerFor(customer: string, verified = true) {
  const response = await post("/api/widget/offer", {
    customer_oid: customer,
    reason_id: reasonId,
    ...(verified ? { customer_oid_hash: hashOf(customer) } : {}),
  });
  expect(response.statusCode).toBe(200);
  return response.json().offer;
}

const accept = (customer: string, token: string) =>
  post("/api/widget/offer/accept", {
    customer_oid: customer,
    customer_oid_hash: hashOf(customer),
    offer_token: token,
  });

describe("the widget's offer step", () => {
  it("never shows an unverified customer a billing offer", async () => {
    expect(await offerFor(ann.id, false)).toBeNull();
  });

  it("shows a verified customer the offer, and accepting applies it at Stripe once", async () => {
    const offer = await offerFor(ann.id);
    expect(offer).toMatchObject({ kind: "discount", title: discount.title, url: null });
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
      await server.app.repos.offerAcceptances.appliedForCustomer(server.accountId, bob.id),
    ).toEqual([]);
  });
});

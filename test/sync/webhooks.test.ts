import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import {
  cancelNow,
  changeQuantity,
  keepSubscription,
  scheduleCancellation,
} from "../../src/billing/stripe/fake/subscription-changes.js";
import { catchUp } from "../../src/sync/catch-up.js";
import { liveSync } from "./live.js";

const live = await liveSync();
const { stripe } = live;
const basic = stripe.createPrice({
  currency: "eur",
  product: "prod_basic",
  nickname: "Basic",
  unitAmount: 1000,
  recurring: { interval: "month" },
});

function post(body: string, headers: Record<string, string>, connectionId = live.connection().id) {
  return live.server().app.inject({
    method: "POST",
    url: `/webhooks/stripe/${connectionId}`,
    headers: { "content-type": "application/json", ...headers },
    payload: body,
  });
}

function signed(event: Stripe.Event, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
  const body = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
  return { body, headers: { "stripe-signature": header } };
}

async function jobsQueued() {
  const rows = await live
    .server()
    .database.db.selectFrom("jobs")
    .select("id")
    .where("kind", "=", "billing.event")
    .execute();
  return rows.length;
}

describe("the webhook route", () => {
  it("answers 404 for an unknown connection, 400 for a missing or wrong signature or an old one", async () => {
    const customer = stripe.createCustomer();
    const event = live.lastEvent();
    const good = signed(event, "whsec_sync_test");
    expect((await post(good.body, good.headers, "bcn_unknown")).statusCode).toBe(404);
    const none = await post(good.body, {});
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe("invalid_signature");
    const wrong = signed(event, "whsec_other");
    expect((await post(wrong.body, wrong.headers)).json().error.code).toBe("invalid_signature");
    const tampered = await post(good.body.replace(customer.id, "cus_other"), good.headers);
    expect(tampered.json().error.code).toBe("invalid_signature");
    const old = signed(event, "whsec_sync_test", Math.floor(Date.now() / 1000) - 3600);
    const stale = await post(old.body, old.headers);
    expect(stale.statusCode).toBe(400);
    expect(stale.json().error.code).toBe("timestamp_too_old");
    const before = await jobsQueued();
    expect((await post(good.body, good.headers)).statusCode).toBe(200);
    expect(await jobsQueued()).toBe(before + 1);
  });
});

describe("webhooks change what they should, once", () => {
  it("duplicate and out-of-order deliveries change nothing", async () => {
    const customer = stripe.createCustomer();
    await live.send(live.lastEvent());
    const sub = stripe.createSubscription({ customer: customer.id, items: [{ price: basic.id }] });
    const created = live.lastEvent();
    stripe.change(sub.id, changeQuantity(3));
    const upgraded = live.lastEvent();
    stripe.change(sub.id, scheduleCancellation());
    const scheduled = live.lastEvent();
    // Newest first, each twice.
    for (const event of [scheduled, scheduled, upgraded, created, upgraded]) {
      expect(await live.send(event)).toBe(200);
      await live.drain();
    }
    const once = await live.tables();
    const cancellation = once.cancellations.find(
      (c: { subscription_id: string }) => c.subscription_id === sub.id,
    );
    expect(cancellation).toMatchObject({ state: "scheduled", lost_mrr_amount: expect.anything() });
    expect(Number(cancellation.lost_mrr_amount)).toBe(3000);
    const before = await jobsQueued();
    for (const event of [created, upgraded, scheduled]) expect(await live.send(event)).toBe(200);
    await live.drain();
    expect(await jobsQueued()).toBe(before);
    expect(await live.tables()).toEqual(once);
  });

  it("a reactivation is not churn", async () => {
    const customer = stripe.createCustomer();
    const sub = stripe.createSubscription({ customer: customer.id, items: [{ price: basic.id }] });
    await live.send(live.lastEvent());
    stripe.change(sub.id, scheduleCancellation());
    await live.send(live.lastEvent());
    await live.drain();
    stripe.change(sub.id, keepSubscription());
    await live.send(live.lastEvent());
    await live.drain();
    const rows = await live
      .server()
      .database.db.selectFrom("cancellations")
      .selectAll()
      .where("subscription_id", "=", sub.id)
      .execute();
    expect(rows).toEqual([
      expect.objectContaining({ state: "reactivated", reactivated_at: expect.any(Date) }),
    ]);
    const churn = await live
      .server()
      .database.db.selectFrom("cancellations")
      .select("id")
      .where("subscription_id", "=", sub.id)
      .where("state", "<>", "reactivated")
      .execute();
    expect(churn).toEqual([]);
  });

  it("a missed webhook is found by the catch-up; one a webhook took is skipped", async () => {
    const customer = stripe.createCustomer();
    const sub = stripe.createSubscription({
      customer: customer.id,
      items: [{ price: basic.id, quantity: 2 }],
    });
    await live.send(live.lastEvent());
    await live.drain();
    stripe.change(sub.id, cancelNow());
    // The deletion's webhook never arrives.
    const result = await catchUp(live.deps(), live.server().accountId, live.connection().id);
    expect(result.outcome).toBe("caught_up");
    expect(result.processed).toBeGreaterThan(0);
    expect(result.skipped).toBeGreaterThan(0);
    const rows = await live
      .server()
      .database.db.selectFrom("cancellations")
      .selectAll()
      .where("subscription_id", "=", sub.id)
      .execute();
    expect(rows).toEqual([expect.objectContaining({ state: "ended", path: "provider" })]);
    expect(Number(rows[0]?.lost_mrr_amount)).toBe(2000);
    const event = await live
      .server()
      .database.db.selectFrom("provider_events")
      .selectAll()
      .where("id", "=", live.lastEvent().id)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ source: "catch_up", processed_at: expect.any(Date) });
    // Done twice, nothing more to do.
    const again = await catchUp(live.deps(), live.server().accountId, live.connection().id);
    expect(again.processed).toBe(0);
  });
});

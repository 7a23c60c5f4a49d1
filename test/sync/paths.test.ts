import { describe, expect, it } from "vitest";
import {
  cancelNow,
  endPeriod,
  exhaustPaymentRetries,
  failPayment,
  scheduleCancellation,
} from "../../src/billing/stripe/fake/subscription-changes.js";
import { newId } from "../../src/db/ids.js";
import { postWidgetEvent } from "../helpers/api.js";
import { liveSync } from "./live.js";

const live = await liveSync();
const { stripe, change } = live;
const pro = stripe.createPrice({
  currency: "usd",
  product: "prod_pro",
  nickname: "Pro",
  unitAmount: 2900,
  recurring: { interval: "month" },
});

/** A customer with a Pro subscription (seats), told to the sync by its webhooks. */
async function subscribed(quantity = 1) {
  const customer = stripe.createCustomer({ email: "c@example.com" });
  expect(await live.send(live.lastEvent())).toBe(200);
  const sub = stripe.createSubscription({
    customer: customer.id,
    items: [{ price: pro.id, quantity }],
  });
  expect(await live.send(live.lastEvent())).toBe(200);
  await live.drain();
  return { customer, sub };
}

async function cancellationsOf(subscriptionId: string) {
  const rows = await live
    .server()
    .database.db.selectFrom("cancellations")
    .selectAll()
    .where("subscription_id", "=", subscriptionId)
    .execute();
  return rows.map((row) => ({ ...row, lost_mrr_amount: Number(row.lost_mrr_amount) }));
}

async function reasonId(text: string) {
  const reasons = await live.repos().reasons.listWithTotals(live.server().accountId);
  return reasons.find((r) => r.text === text)?.id;
}

describe("each way a subscription ends shows up once, with its lost MRR", () => {
  it("a period-end cancellation: scheduled, then ended when the period ends", async () => {
    const { sub } = await subscribed(2);
    await change(sub.id, scheduleCancellation());
    const [scheduled] = await cancellationsOf(sub.id);
    expect(scheduled).toMatchObject({
      state: "scheduled",
      timing: "period_end",
      path: "provider",
      voluntary: true,
      lost_mrr_amount: 5800,
      lost_mrr_currency: "usd",
      plan: "Pro",
      test_mode: true,
    });
    await change(sub.id, endPeriod());
    const rows = await cancellationsOf(sub.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: scheduled?.id,
      state: "ended",
      timing: "period_end",
      lost_mrr_amount: 5800,
    });
    const stored = await live
      .repos()
      .billingSubscriptions.get(live.server().accountId, live.connection().id, sub.id);
    expect(stored).toMatchObject({ status: "canceled", mrr_amount: expect.anything() });
    expect(Number(stored?.mrr_amount)).toBe(0);
  });

  it("a portal cancellation with feedback and a comment: path portal, the reason mapped", async () => {
    const { sub } = await subscribed();
    await change(
      sub.id,
      scheduleCancellation({ feedback: "too_expensive", comment: "Costs too much" }),
    );
    expect(await cancellationsOf(sub.id)).toEqual([
      expect.objectContaining({
        path: "portal",
        provider_feedback: "too_expensive",
        provider_comment: "Costs too much",
        reason_id: await reasonId("Too expensive"),
        lost_mrr_amount: 2900,
      }),
    ]);
  });

  it("a deletion in Stripe's dashboard: ended at once, voluntary", async () => {
    const { sub } = await subscribed();
    await change(sub.id, cancelNow());
    expect(await cancellationsOf(sub.id)).toEqual([
      expect.objectContaining({
        path: "provider",
        timing: "immediate",
        state: "ended",
        voluntary: true,
        lost_mrr_amount: 2900,
      }),
    ]);
  });

  it("a payment failure: involuntary, with the MRR it had", async () => {
    const { sub } = await subscribed(3);
    await change(sub.id, failPayment());
    expect(await cancellationsOf(sub.id)).toEqual([]);
    await change(sub.id, exhaustPaymentRetries());
    expect(await cancellationsOf(sub.id)).toEqual([
      expect.objectContaining({
        path: "payment_failure",
        voluntary: false,
        state: "ended",
        lost_mrr_amount: 8700,
      }),
    ]);
  });
});

describe("a widget answer and its cancellation link whichever comes first", () => {
  async function answer(customerOid: string, subscriptionOids: string[] = []) {
    const config = await live.server().app.inject({
      url: `/api/widget/config?access_token_id=${live.server().accessTokenId}`,
    });
    const response = await postWidgetEvent(live.server(), {
      access_token_id: live.server().accessTokenId,
      customer_oid: customerOid,
      subscription_oids: subscriptionOids,
      reason_id: config.json().reasons[0].id,
      test_mode: true,
      idempotency_key: newId("evt"),
    });
    expect(response.statusCode).toBe(201);
    return response.json().event.id as string;
  }

  async function eventRow(id: string) {
    return live
      .server()
      .database.db.selectFrom("events")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  }

  /** The cancellations an answer is linked to, and how. */
  function linksOf(eventId: string) {
    return live
      .server()
      .database.db.selectFrom("cancellation_answers")
      .selectAll()
      .where("event_id", "=", eventId)
      .execute();
  }

  /** What an answer says it cost: its MRR, currency and plan. */
  async function costOf(eventId: string) {
    const row = await eventRow(eventId);
    return { mrr: Number(row.mrr_amount), currency: row.mrr_currency, plan: row.plan };
  }

  async function updatedDeliveries(eventId: string) {
    return live
      .server()
      .database.db.selectFrom("webhook_deliveries")
      .select(["event_type", "event"])
      .where("event_id", "=", eventId)
      .where("event_type", "=", "cancellation.updated")
      .execute();
  }

  it("before the provider's event: the answer gets the MRR and plan, and a cancellation.updated", async () => {
    const repos = live.repos();
    await repos.webhookEndpoints.create(
      live.server().accountId,
      {
        url: "https://hooks.example.com/ci",
        kind: "webhook",
        description: "",
        event_types: ["cancellation.created", "cancellation.updated"],
        enabled: true,
        include_test: true,
      },
      "whsec_out",
    );
    const { customer, sub } = await subscribed(2);
    const eventId = await answer(customer.id);
    expect(await eventRow(eventId)).toMatchObject({ mrr_amount: null, plan: null });
    await change(sub.id, cancelNow());
    const [cancellation] = await cancellationsOf(sub.id);
    expect(await linksOf(eventId)).toEqual([
      expect.objectContaining({ cancellation_id: cancellation?.id, linked_by: "window" }),
    ]);
    expect(await costOf(eventId)).toEqual({
      mrr: 5800,
      currency: "usd",
      plan: "Pro",
    });
    const updated = await updatedDeliveries(eventId);
    expect(updated).toHaveLength(1);
    expect(updated[0]?.event).toMatchObject({ id: eventId, mrr_currency: "usd", plan: "Pro" });
  });

  it("after the provider's event: linked on arrival, its MRR and plan taken from the cancellation", async () => {
    const { customer, sub } = await subscribed();
    await change(sub.id, scheduleCancellation());
    const eventId = await answer(customer.id, [sub.id]);
    const [cancellation] = await cancellationsOf(sub.id);
    expect(await linksOf(eventId)).toEqual([
      expect.objectContaining({ cancellation_id: cancellation?.id, linked_by: "subscription_oid" }),
    ]);
    expect(await costOf(eventId)).toEqual({
      mrr: 2900,
      currency: "usd",
      plan: "Pro",
    });
    expect(await updatedDeliveries(eventId)).toEqual([]);
  });
});

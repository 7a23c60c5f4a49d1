import { describe, expect, it } from "vitest";
import {
  cancelNow,
  scheduleCancellation,
} from "../../src/billing/stripe/fake/subscription-changes.js";
import { backfillProgress, runBackfill, startBackfill } from "../../src/sync/backfill.js";
import { connectBilling, disconnectBilling } from "../../src/sync/connect.js";
import { newAccount, syncEnvironment, TEST_KEY } from "./setup.js";

const env = await syncEnvironment();
const stripe = env.fake.test;
const pro = stripe.createPrice({
  currency: "usd",
  product: "prod_pro",
  nickname: "Pro",
  unitAmount: 2900,
  recurring: { interval: "month" },
});
const yearly = stripe.createPrice({
  currency: "usd",
  product: "prod_team",
  nickname: "Team",
  unitAmount: 120_000,
  recurring: { interval: "year" },
});
const ann = stripe.createCustomer({ email: "ann@example.com", name: "Ann" });
const bob = stripe.createCustomer({ email: "bob@example.com", name: "Bob" });
const annSub = stripe.createSubscription({
  customer: ann.id,
  items: [{ price: pro.id, quantity: 2 }],
});
const bobSub = stripe.createSubscription({ customer: bob.id, items: [{ price: yearly.id }] });
const bobOld = stripe.createSubscription({ customer: bob.id, items: [{ price: pro.id }] });
stripe.change(bobOld.id, cancelNow());
stripe.change(annSub.id, scheduleCancellation());

describe("connecting Stripe", () => {
  it("checks the key, stores the connection sealed in its mode, and queues its backfill", async () => {
    const accountId = await newAccount(env.repos());
    const connection = await connectBilling(env.deps(), accountId, {
      provider: "stripe",
      apiKey: TEST_KEY,
      webhookSecret: "whsec_abc",
    });
    expect(connection).toMatchObject({ mode: "test", status: "active", has_webhook_secret: true });
    const stored = await env
      .db()
      .selectFrom("billing_connections")
      .select("api_key")
      .where("id", "=", connection.id)
      .executeTakeFirstOrThrow();
    expect(stored.api_key).toMatch(/^enc:v1:/);
    const jobs = await env
      .db()
      .selectFrom("jobs")
      .select(["kind", "dedupe_key", "account_id"])
      .where("account_id", "=", accountId)
      .execute();
    expect(jobs).toContainEqual({
      kind: "billing.backfill",
      dedupe_key: `billing.backfill:${connection.id}`,
      account_id: accountId,
    });
    expect(await startBackfill(env.deps(), accountId, connection.id)).toMatchObject({
      queued: false,
    });
  });

  it("refuses a key Stripe refuses, with invalid_key, and stores nothing", async () => {
    const accountId = await newAccount(env.repos());
    for (const apiKey of ["sk_test_unknown999", "pk_test_notasecret"]) {
      await expect(
        connectBilling(env.deps(), accountId, { provider: "stripe", apiKey }),
      ).rejects.toMatchObject({
        name: "BillingError",
        code: "invalid_key",
      });
    }
    expect(await env.repos().billingConnections.listForAccount(accountId)).toEqual([]);
  });
});

describe("the backfill", () => {
  it("stores every customer and subscription, canceled ones too, with MRR and cancellations", async () => {
    const accountId = await newAccount(env.repos());
    const connection = await connectBilling(env.deps(), accountId, {
      provider: "stripe",
      apiKey: TEST_KEY,
    });
    const seen: string[] = [];
    const done = await runBackfill(env.deps(), accountId, connection.id, {
      onProgress: (p) => seen.push(p.phase),
    });
    expect(done).toMatchObject({
      state: "succeeded",
      phase: "done",
      customers: 2,
      subscriptions: 3,
      error: null,
    });
    expect(seen).toEqual(["subscriptions", "done"]);
    expect(await backfillProgress(env.deps(), accountId, connection.id)).toEqual(done);
    const subs = await env
      .db()
      .selectFrom("billing_subscriptions")
      .select(["id", "status", "mrr_amount", "monthly_value", "plan", "test_mode"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute();
    expect(
      subs.map((s) => ({
        ...s,
        mrr_amount: Number(s.mrr_amount),
        monthly_value: Number(s.monthly_value),
      })),
    ).toEqual([
      {
        id: annSub.id,
        status: "active",
        mrr_amount: 5800,
        monthly_value: 5800,
        plan: "Pro",
        test_mode: true,
      },
      {
        id: bobSub.id,
        status: "active",
        mrr_amount: 10_000,
        monthly_value: 10_000,
        plan: "Team",
        test_mode: true,
      },
      {
        id: bobOld.id,
        status: "canceled",
        mrr_amount: 0,
        monthly_value: 2900,
        plan: "Pro",
        test_mode: true,
      },
    ]);
    const cancellations = await env
      .db()
      .selectFrom("cancellations")
      .select(["subscription_id", "state", "timing", "lost_mrr_amount"])
      .where("account_id", "=", accountId)
      .orderBy("subscription_id")
      .execute();
    expect(
      cancellations.map((c) => ({ ...c, lost_mrr_amount: Number(c.lost_mrr_amount) })),
    ).toEqual([
      {
        subscription_id: annSub.id,
        state: "scheduled",
        timing: "period_end",
        lost_mrr_amount: 5800,
      },
      { subscription_id: bobOld.id, state: "ended", timing: "immediate", lost_mrr_amount: 2900 },
    ]);
    const stored = await env.repos().billingConnections.get(accountId, connection.id);
    expect(stored?.event_cursor).toMatchObject({ eventId: expect.stringMatching(/^evt_/) });
  });

  it("refuses a disconnected connection with not_found", async () => {
    const accountId = await newAccount(env.repos());
    const connection = await connectBilling(env.deps(), accountId, {
      provider: "stripe",
      apiKey: TEST_KEY,
    });
    await disconnectBilling(env.deps(), accountId, connection.id);
    await expect(runBackfill(env.deps(), accountId, connection.id)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(startBackfill(env.deps(), accountId, connection.id)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

import { expect } from "vitest";
import { scheduleCancellation } from "../../src/billing/stripe/fake/subscription-changes.js";
import type { liveSync } from "../sync/live.js";

type Live = Awaited<ReturnType<typeof liveSync>>;

/** What the reason email tests do to a live sync: subscribe, cancel, let time pass. */
export function reasonFlow(live: Live) {
  const { stripe, change } = live;
  const pro = stripe.createPrice({
    currency: "usd",
    product: "prod_pro",
    nickname: "Pro",
    unitAmount: 2900,
    recurring: { interval: "month" },
  });
  const db = () => live.server().database.db;

  /** A customer (with a name, if given) with a Pro subscription, told to the sync by its webhooks. */
  async function subscribed(email: string | null = "ann@example.com", name?: string) {
    const customer = stripe.createCustomer({
      ...(email === null ? {} : { email }),
      ...(name === undefined ? {} : { name }),
    });
    expect(await live.send(live.lastEvent())).toBe(200);
    const sub = stripe.createSubscription({ customer: customer.id, items: [{ price: pro.id }] });
    expect(await live.send(live.lastEvent())).toBe(200);
    await live.drain();
    return { customer, sub };
  }

  /** A subscribed customer who cancels at Stripe: the cancellation's id. */
  async function cancelled(email?: string | null) {
    const { customer, sub } = await subscribed(email);
    await change(sub.id, scheduleCancellation());
    const cancellation = await db()
      .selectFrom("cancellations")
      .selectAll()
      .where("subscription_id", "=", sub.id)
      .executeTakeFirstOrThrow();
    return { customer, sub, cancellation };
  }

  /** The reason email of a cancellation, if any. */
  function emailOf(cancellationId: string) {
    return db()
      .selectFrom("emails")
      .selectAll()
      .where("cancellation_id", "=", cancellationId)
      .executeTakeFirst();
  }

  /** The email's job, made due now (the delay passed), then run. */
  async function delayPasses(emailId: string) {
    await db()
      .updateTable("jobs")
      .set({ run_at: new Date() })
      .where("kind", "=", "email.send")
      .where("dedupe_key", "=", emailId)
      .execute();
    await live.drain();
  }

  return { pro, db, subscribed, change, cancelled, emailOf, delayPasses };
}

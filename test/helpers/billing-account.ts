import {
  exhaustPaymentRetries,
  scheduleCancellation,
} from "../../src/billing/stripe/fake/subscription-changes.js";
import { fakeStripe } from "../billing/stripe/fake.js";

/**
 * A fake Stripe for this test file, on real time (what changes is dated today, inside the
 * dashboard's default ranges) unless given a controlled clock's `now`, with a monthly USD
 * "Pro" price in its test mode.
 */
export async function stripeWithPro(now: () => number = Date.now) {
  const { fake } = await fakeStripe({ now });
  const stripe = fake.test;
  const pro = stripe.createPrice({
    currency: "usd",
    product: "prod_pro",
    nickname: "Pro",
    unitAmount: 2900,
    recurring: { interval: "month" },
  });
  /** A new customer on Pro: its id and its subscription's. */
  const subscribed = () => {
    const customer = stripe.createCustomer();
    const sub = stripe.createSubscription({ customer: customer.id, items: [{ price: pro.id }] });
    return { id: customer.id, subscription: sub.id };
  };
  return { fake, stripe, pro, subscribed };
}

/**
 * `stripeWithPro` with two customers on Pro: Ann set to end at the period's end through the
 * portal (too expensive), Bob (3 seats) ended by failed payments.
 */
export async function stripeWithTwoCancellations() {
  const { fake, stripe, pro } = await stripeWithPro();
  const ann = stripe.createCustomer({ email: "ann@example.com" });
  const bob = stripe.createCustomer({ email: "bob@example.com" });
  const annSub = stripe.createSubscription({ customer: ann.id, items: [{ price: pro.id }] });
  const bobSub = stripe.createSubscription({
    customer: bob.id,
    items: [{ price: pro.id, quantity: 3 }],
  });
  stripe.change(annSub.id, scheduleCancellation({ feedback: "too_expensive" }));
  stripe.change(bobSub.id, exhaustPaymentRetries());
  return { fake, ann, bob, annSub, bobSub };
}

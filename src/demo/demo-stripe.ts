import type Stripe from "stripe";
import { type FakeStripe, startFakeStripe } from "../billing/stripe/fake/server.js";
import {
  type CancelFeedback,
  cancelNow,
  endPeriod,
  exhaustPaymentRetries,
  failPayment,
  keepSubscription,
  scheduleCancellation,
} from "../billing/stripe/fake/subscription-changes.js";
import { pickWeighted, prng } from "../db/demo-data.js";

/**
 * The demo account's billing: a bundled fake Stripe with a year of a small SaaS's customers,
 * each cancellation made the way real ones are (the site's backend after our widget, the
 * customer portal with its feedback, staff in the dashboard, a period's end, failed
 * payments), so that the demo's revenue figures come through the same sync a real install
 * runs, never from SQL written for the demo.
 */

/** A live-mode restricted key the fake accepts; it opens nothing anywhere else. */
export const DEMO_STRIPE_KEY = "rk_live_DemoBundledFakeStripe";

const PLANS = [
  { nickname: "Starter", amount: 2900, interval: "month", weight: 46 },
  { nickname: "Growth", amount: 7900, interval: "month", weight: 30 },
  { nickname: "Growth (yearly)", amount: 79_000, interval: "year", weight: 8 },
  { nickname: "Business", amount: 19_900, interval: "month", weight: 12 },
  { nickname: "Enterprise", amount: 49_900, interval: "month", weight: 4 },
] as const;

type Path = "widget" | "portal" | "dashboard" | "payment_failure" | "stays";
const PATHS: readonly Path[] = ["widget", "portal", "dashboard", "payment_failure", "stays"];
const PATH_WEIGHTS = [52, 10, 6, 8, 24];

const FEEDBACK: readonly CancelFeedback[] = [
  { feedback: "too_expensive", comment: "We can't justify it on our budget." },
  { feedback: "missing_features", comment: "No SSO yet." },
  { feedback: "switched_service" },
  { feedback: "unused" },
  { feedback: "low_quality", comment: "Reports kept failing to load." },
];

/** A cancellation our widget asked about: the demo's answers are written for these. */
export interface DemoAnswered {
  customerId: string;
  subscriptionId: string;
  /** When the customer answered, just before the site's backend cancelled. */
  at: Date;
}

export interface DemoStripe {
  stripe: FakeStripe;
  answered: DemoAnswered[];
  /** Makes today's cancellations, for the sync's event catch-up to find after its backfill. */
  today(): DemoAnswered[];
}

const DAY = 86_400_000;

/**
 * Starts the fake Stripe on localhost with `customers` customers of the last two years, the
 * same for the same seed and day. Close it with `stripe.close()`.
 */
export async function startDemoStripe(options: {
  customers: number;
  seed: number;
  nowMs: number;
}): Promise<DemoStripe> {
  const random = prng(options.seed);
  // The fake dates what it makes by this clock: each change happens at its own past time.
  let clock = options.nowMs;
  const stripe = await startFakeStripe({ keys: [DEMO_STRIPE_KEY], now: () => clock });
  const account = stripe.live;
  const prices = PLANS.map((plan) => ({
    weight: plan.weight,
    price: account.createPrice({
      currency: "usd",
      nickname: plan.nickname,
      product: `prod_demo_${plan.nickname.split(" ")[0]?.toLowerCase()}`,
      unitAmount: plan.amount,
      recurring: { interval: plan.interval },
    }),
  }));
  const answered: DemoAnswered[] = [];
  const staying: Stripe.Subscription[] = [];
  const setToEnd: Stripe.Subscription[] = [];
  for (let i = 0; i < options.customers; i++) {
    const path = pickWeighted(random, PATHS, PATH_WEIGHTS);
    // A cancellation in the last year, its subscription one to 30 months older.
    const at = options.nowMs - Math.floor((2 + random() * 360) * DAY);
    const started = at - Math.floor((20 + random() * 900) * DAY);
    clock = started;
    const customer = account.createCustomer({ name: `Demo customer ${i + 1}` });
    clock = path === "stays" ? options.nowMs : at;
    const { price } = pickWeighted(
      random,
      prices,
      prices.map((p) => p.weight),
    );
    const quantity = random() < 0.2 ? 2 + Math.floor(random() * 8) : 1;
    const subscription = account.createSubscription({
      customer: customer.id,
      created: Math.floor(started / 1000),
      items: [{ price: price.id, quantity }],
    });
    const end = (when: number) => {
      if (when >= options.nowMs) return;
      clock = when;
      account.change(subscription.id, endPeriod());
    };
    const periodEnd = (subscription.items.data[0]?.current_period_end ?? 0) * 1000;
    switch (path) {
      case "widget":
        answered.push({
          customerId: customer.id,
          subscriptionId: subscription.id,
          at: new Date(at),
        });
        account.change(subscription.id, scheduleCancellation());
        end(periodEnd);
        break;
      case "portal":
        account.change(
          subscription.id,
          cancelNow(FEEDBACK[Math.floor(random() * FEEDBACK.length)] as CancelFeedback),
        );
        break;
      case "dashboard":
        account.change(subscription.id, cancelNow());
        break;
      case "payment_failure":
        account.change(subscription.id, failPayment());
        clock = at + 21 * DAY;
        if (clock < options.nowMs) account.change(subscription.id, exhaustPaymentRetries());
        break;
      case "stays":
        // A few were set to end this week: the sync sees them scheduled; one is kept today.
        if (random() < 0.08) {
          clock = options.nowMs - 2 * DAY;
          account.change(subscription.id, scheduleCancellation());
          setToEnd.push(subscription);
        } else if (random() < 0.3) staying.push(subscription);
        break;
    }
  }
  return {
    stripe,
    answered,
    today() {
      clock = options.nowMs;
      const made: DemoAnswered[] = [];
      staying.forEach((subscription, i) => {
        // Cancelled today after our widget asked, or through the portal.
        if (i % 2 === 0) {
          made.push({
            customerId: subscription.customer as string,
            subscriptionId: subscription.id,
            at: new Date(clock - 60_000),
          });
          account.change(subscription.id, scheduleCancellation());
        } else {
          account.change(subscription.id, cancelNow(FEEDBACK[0]));
        }
      });
      const kept = setToEnd[0];
      if (kept) account.change(kept.id, keepSubscription());
      return made;
    },
  };
}

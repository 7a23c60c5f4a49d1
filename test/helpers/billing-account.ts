import {
  exhaustPaymentRetries,
  scheduleCancellation,
} from "../../src/billing/stripe/fake/subscription-changes.js";
import { loadConfig } from "../../src/config.js";
import { createWorker } from "../../src/server/worker.js";
import { fakeStripe, TEST_KEY } from "../billing/stripe/fake.js";
import { silent } from "../jobs/setup.js";
import { createUser, signIn } from "./auth.js";
import { testSecrets } from "./secrets.js";
import type { TestServer } from "./server.js";

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

/** The server settings that send its Stripe calls to `fake`, without a rate limit. */
export function fakeStripeEnv(fake: { url: string }): Record<string, string> {
  return { STRIPE_API_BASE: fake.url, STRIPE_TEST_RATE_LIMIT: "0", STRIPE_RATE_LIMIT: "0" };
}

/** Runs the background worker until no job is left: a new connection's sync, say. */
export async function syncAll(server: TestServer, env: Record<string, string>) {
  const worker = createWorker({
    config: loadConfig({ ...env, WORKER: "off" }),
    database: server.database,
    secrets: testSecrets,
    log: silent,
  });
  while ((await worker.runOnce()) > 0) {}
}

/**
 * Connects the test server's account to the fake Stripe's test mode through the dashboard
 * route, as its owner would, and runs the worker until the sync has brought everything in.
 * Returns the account's reasons and its customer-hash secret.
 */
export async function connectFakeStripe(server: TestServer, env: Record<string, string>) {
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  const owner = await signIn(server, "owner@example.com");
  const base = `/api/accounts/${server.accountId}`;
  const reasons: { id: string; text: string }[] = (
    await owner.request("GET", `${base}/reasons`)
  ).json().reasons;
  const connected = await owner.request("POST", `${base}/billing/stripe`, { api_key: TEST_KEY });
  if (connected.statusCode !== 201) throw new Error(`connect failed: ${connected.body}`);
  await syncAll(server, env);
  const account = await server.app.repos.accounts.find(server.accountId);
  return { reasons, hashSecret: account?.customer_hash_secret ?? "" };
}

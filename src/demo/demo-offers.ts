import { type FakeStripe, startFakeStripe } from "../billing/stripe/fake/server.js";
import type { StripeSettings } from "../config.js";
import { customerOidHash } from "../customer-oid-hash.js";
import { isHeldOut } from "../offers/eligibility.js";
import { runBackfill } from "../sync/backfill.js";
import { connectBilling, disconnectBilling } from "../sync/connect.js";
import { reposOf, type SyncDeps } from "../sync/deps.js";

/** A test-mode restricted key only the bundled fake accepts (routed to it, never to Stripe). */
export const DEMO_OFFER_STRIPE_KEY = "rk_test_DemoOfferBundledFakeStripe";

/** Who the /demo page's widget speaks for: a synced customer the offer may be shown to. */
export interface DemoCustomer {
  customerOid: string;
  subscriptionOid: string;
  /** `customer_oid_hash`, computed on the server as a site's backend would. */
  customerOidHash: string;
}

export interface DemoOffers {
  /** The server's Stripe settings, with the demo's key routed to the bundled fake. */
  stripe: StripeSettings;
  /** The next customer who has not taken an offer yet; null once every one has. */
  nextCustomer(): Promise<DemoCustomer | null>;
  fake: FakeStripe;
  close(): Promise<void>;
}

/**
 * Lets /demo show the demo account's offer and apply it: a bundled fake Stripe, running as
 * long as the server, with `customers` test-mode customers on an active $49 plan, connected
 * and synced as any account's Stripe is. Each accepted offer uses one customer up (one offer
 * per customer in the window), so the page takes the next one at each load. A connection a
 * previous run left behind is closed first: its fake is gone with that process.
 */
export async function startDemoOffers(
  deps: SyncDeps,
  accountId: string,
  options: { customers?: number } = {},
): Promise<DemoOffers> {
  const repos = reposOf(deps);
  for (const connection of await repos.billingConnections.listForAccount(accountId)) {
    if (connection.status === "active") await disconnectBilling(deps, accountId, connection.id);
  }
  const fake = await startFakeStripe({ keys: [DEMO_OFFER_STRIPE_KEY] });
  try {
    const price = fake.test.createPrice({
      currency: "usd",
      nickname: "Pro",
      product: "prod_demo_pro",
      unitAmount: 4900,
      recurring: { interval: "month" },
    });
    const pool = Array.from({ length: options.customers ?? 25 }, (_, i) => {
      const customer = fake.test.createCustomer({ name: `Demo visitor ${i + 1}` });
      const subscription = fake.test.createSubscription({
        customer: customer.id,
        items: [{ price: price.id, quantity: 1 }],
      });
      return { customerOid: customer.id, subscriptionOid: subscription.id };
    });
    const apiBaseByKey = new Map([[DEMO_OFFER_STRIPE_KEY, fake.url]]);
    const stripe: StripeSettings = { ...deps.config.stripe, apiBaseByKey };
    const syncDeps: SyncDeps = { ...deps, config: { stripe } };
    const connection = await connectBilling(syncDeps, accountId, {
      provider: "stripe",
      apiKey: DEMO_OFFER_STRIPE_KEY,
    });
    await runBackfill(syncDeps, accountId, connection.id);
    let next = 0;
    return {
      stripe,
      fake,
      close: () => fake.close(),
      async nextCustomer() {
        const account = await repos.accounts.find(accountId);
        if (!account) return null;
        for (let tried = 0; tried < pool.length; tried++) {
          const candidate = pool[next] as (typeof pool)[number];
          next = (next + 1) % pool.length;
          // A held-out customer is never shown an offer: the demo skips them.
          if (isHeldOut(accountId, candidate.customerOid, account.offer_holdout_percent)) continue;
          const taken = await repos.offerAcceptances.appliedForCustomer(
            accountId,
            candidate.customerOid,
          );
          if (taken.length > 0) continue;
          const hash = customerOidHash(account.customer_hash_secret, candidate.customerOid);
          return { ...candidate, customerOidHash: hash };
        }
        return null;
      },
    };
  } catch (error) {
    await fake.close();
    throw error;
  }
}

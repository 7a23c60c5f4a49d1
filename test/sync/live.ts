import type Stripe from "stripe";
import { afterAll, beforeAll, expect } from "vitest";
import type { FakeStripeAccount } from "../../src/billing/stripe/fake/account.js";
import { loadConfig } from "../../src/config.js";
import type { BillingConnection } from "../../src/db/repositories/billing-connections.js";
import { createRepositories, type Repositories } from "../../src/db/repositories/index.js";
import { createWorker } from "../../src/server/worker.js";
import { connectBilling } from "../../src/sync/connect.js";
import type { SyncDeps } from "../../src/sync/deps.js";
import { fakeStripe, TEST_KEY } from "../billing/stripe/fake.js";
import { testSecrets } from "../helpers/secrets.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { silentLog } from "./setup.js";

export const WEBHOOK_SECRET = "whsec_sync_test";

/**
 * The real server on a fake Stripe (real time: webhook signatures are dated), with a worker
 * run by hand, and the server's account connected in test mode. `extraEnv` configures both
 * (an SMTP_URL, say).
 */
export async function liveSync(extraEnv: Record<string, string> = {}) {
  const { fake } = await fakeStripe({ now: Date.now });
  const env = {
    STRIPE_API_BASE: fake.url,
    STRIPE_TEST_RATE_LIMIT: "0",
    STRIPE_RATE_LIMIT: "0",
    ...extraEnv,
  };
  const config = loadConfig({ ...env, WORKER: "off" });
  let server: TestServer;
  let worker: ReturnType<typeof createWorker>;
  let connection: BillingConnection;
  const deps = (): SyncDeps => ({
    db: server.database.db,
    secrets: testSecrets,
    config,
    log: silentLog,
  });
  beforeAll(async () => {
    server = await startTestServer({ env, listen: true });
    worker = createWorker({
      config,
      database: server.database,
      secrets: testSecrets,
      log: silentLog,
    });
    connection = await connectBilling(deps(), server.accountId, {
      provider: "stripe",
      apiKey: TEST_KEY,
      webhookSecret: WEBHOOK_SECRET,
    });
    await drain();
  });
  afterAll(() => server?.close());

  /** Runs the worker until nothing is due (the jobs a webhook queued, the backfill). */
  async function drain(): Promise<void> {
    while ((await worker.runOnce()) > 0) {}
  }

  /** The newest event Stripe recorded (of the test mode). */
  function lastEvent(account: FakeStripeAccount = fake.test): Stripe.Event {
    const page = account.events.page(
      { limit: 1, createdFrom: 0, createdTo: Number.MAX_SAFE_INTEGER, where: () => true },
      "/v1/events",
    );
    const event = page.data[0];
    if (!event) throw new Error("no event");
    return event;
  }

  /** Posts the event to the connection's webhook route, signed with the SDK's scheme. */
  function send(event: Stripe.Event, secret = WEBHOOK_SECRET): Promise<number> {
    return fake.sendWebhook(`${server.url}/webhooks/stripe/${connection.id}`, secret, event);
  }

  /** Applies a change at Stripe (test mode), delivers its event, and runs the jobs it queued. */
  async function change(id: string, what: Parameters<FakeStripeAccount["change"]>[1]) {
    fake.test.change(id, what);
    expect(await send(lastEvent())).toBe(200);
    await drain();
  }

  /** What the sync wrote for the account, to compare before and after (ids kept, times not). */
  async function tables() {
    const db = server.database.db;
    const account = server.accountId;
    const [subscriptions, customers, cancellations, links, answers] = await Promise.all([
      db
        .selectFrom("billing_subscriptions")
        .selectAll()
        .where("account_id", "=", account)
        .orderBy("id")
        .execute(),
      db
        .selectFrom("billing_customers")
        .selectAll()
        .where("account_id", "=", account)
        .orderBy("id")
        .execute(),
      db
        .selectFrom("cancellations")
        .selectAll()
        .where("account_id", "=", account)
        .orderBy("subscription_id")
        .orderBy("id")
        .execute(),
      db
        .selectFrom("cancellation_answers")
        .selectAll()
        .where("account_id", "=", account)
        .orderBy("event_id")
        .orderBy("cancellation_id")
        .execute(),
      db
        .selectFrom("events")
        .select(["id", "mrr_amount", "mrr_currency", "plan"])
        .where("account_id", "=", account)
        .orderBy("id")
        .execute(),
    ]);
    const without = <T extends object>(rows: T[], ...keys: string[]) =>
      rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k))));
    return JSON.parse(
      JSON.stringify({
        subscriptions: without(subscriptions, "synced_at"),
        customers: without(customers, "synced_at"),
        cancellations: without(cancellations, "updated_at"),
        links: without(links, "created_at"),
        answers,
      }),
    );
  }

  return {
    fake,
    config,
    stripe: fake.test,
    server: () => server,
    connection: () => connection,
    repos: (): Repositories => createRepositories(server.database.db, { secrets: testSecrets }),
    deps,
    drain,
    change,
    lastEvent,
    send,
    tables,
  };
}

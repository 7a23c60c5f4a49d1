import { createHmac } from "node:crypto";
import { afterAll, beforeAll, expect } from "vitest";
import type { FakeStripe } from "../../src/billing/stripe/fake/server.js";
import { loadConfig } from "../../src/config.js";
import type { OfferInput } from "../../src/db/repositories/offers.js";
import { createWorker } from "../../src/server/worker.js";
import { silent } from "../jobs/setup.js";
import { type Client, signIn } from "./auth.js";
import { connectFakeStripe, fakeStripeEnv } from "./billing-account.js";
import { testSecrets } from "./secrets.js";
import { startTestServer, type TestServer } from "./server.js";

export const DISCOUNT_OFFER: Omit<OfferInput, "reason_ids"> = {
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

/**
 * The real server connected (test mode) to `fake`, with one discount offer for its first
 * reason, an owner signed in, and a worker run by hand on `now` (the jobs' clock), for tests
 * of the widget's offer step. The fake's subscriptions made before this runs are synced;
 * `env` adds configuration.
 */
export function offerWidgetServer(
  fake: FakeStripe,
  options: { now?: () => number; env?: Record<string, string> } = {},
) {
  const { now = Date.now } = options;
  const env = { ...fakeStripeEnv(fake), ...options.env };
  const config = loadConfig({ ...env, WORKER: "off" });
  let server: TestServer;
  let owner: Client;
  let worker: ReturnType<typeof createWorker>;
  let reasonId: string;
  let secret: string;

  beforeAll(async () => {
    server = await startTestServer({ listen: false, env });
    const connected = await connectFakeStripe(server, env);
    owner = await signIn(server, "owner@example.com");
    reasonId = connected.reasons[0]?.id ?? "";
    secret = connected.hashSecret;
    worker = createWorker({
      config,
      database: server.database,
      secrets: testSecrets,
      log: silent,
      now,
    });
    await server.app.repos.offers.create(server.accountId, {
      ...DISCOUNT_OFFER,
      reason_ids: [reasonId],
    });
  });
  afterAll(() => server?.close());

  /** Runs the worker until nothing is due. */
  async function drain(): Promise<void> {
    while ((await worker.runOnce()) > 0) {}
  }

  const hashOf = (customer: string) => createHmac("sha256", secret).update(customer).digest("hex");

  function post(url: string, body: Record<string, unknown>) {
    return server.app.inject({
      method: "POST",
      url,
      headers: { "content-type": "text/plain" },
      payload: JSON.stringify({ access_token_id: server.accessTokenId, test_mode: true, ...body }),
    });
  }

  /** The offer the widget gets for this customer and the first reason (null: none). */
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

  return {
    config,
    server: () => server,
    owner: () => owner,
    reasonId: () => reasonId,
    drain,
    offerFor,
    accept,
  };
}

import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createWorker } from "../../src/server/worker.js";
import { LIVE_KEY, TEST_KEY } from "../billing/stripe/fake.js";
import { postWidgetEvent } from "../helpers/api.js";
import { type Client, createAccount, createUser, signIn } from "../helpers/auth.js";
import { stripeWithTwoCancellations } from "../helpers/billing-account.js";
import { testSecrets } from "../helpers/secrets.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { silent as silentLog } from "../jobs/setup.js";

const WEBHOOK_SECRET = "whsec_billing_api_secret";

const { fake, ann, bob, annSub } = await stripeWithTwoCancellations();

const env = { STRIPE_API_BASE: fake.url, STRIPE_TEST_RATE_LIMIT: "0", STRIPE_RATE_LIMIT: "0" };
const logs: string[] = [];
let server: TestServer;
let worker: ReturnType<typeof createWorker>;
let owner: Client;
let member: Client;
let base: string;
/** Another account, with its own owner and connection. */
let other: { owner: Client; base: string; connectionId: string };

const today = new Date().toISOString().slice(0, 10);
const range = `from=${today.slice(0, 8)}01&to=${today}`;

beforeAll(async () => {
  server = await startTestServer({
    listen: false,
    env,
    logStream: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  worker = createWorker({
    config: loadConfig({ ...env, WORKER: "off" }),
    database: server.database,
    secrets: testSecrets,
    log: silentLog,
  });
  base = `/api/accounts/${server.accountId}`;
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  await createUser(server, "member@example.com", { accounts: [[server.accountId, "member"]] });
  owner = await signIn(server, "owner@example.com");
  member = await signIn(server, "member@example.com");

  const otherAccount = await createAccount(server, "Other Co");
  await createUser(server, "other@example.com", { accounts: [[otherAccount.account.id, "owner"]] });
  const otherOwner = await signIn(server, "other@example.com");
  const otherBase = `/api/accounts/${otherAccount.account.id}`;
  const connected = await otherOwner.request("POST", `${otherBase}/billing/stripe`, {
    api_key: LIVE_KEY,
  });
  expect(connected.statusCode).toBe(201);
  other = { owner: otherOwner, base: otherBase, connectionId: connected.json().connection.id };
});

afterAll(() => server?.close());

/** Runs the worker until nothing is due: the backfills the connections queued. */
async function drain(): Promise<void> {
  while ((await worker.runOnce()) > 0) {}
}

describe("connecting Stripe from the dashboard", () => {
  let connectionId: string;

  it("lists no connection at first, with the events the webhook endpoint should send", async () => {
    const response = await member.request("GET", `${base}/billing`);
    expect(response.statusCode).toBe(200);
    expect(response.json().connections).toEqual([]);
    const [stripe] = response.json().providers;
    expect(stripe).toMatchObject({ name: "stripe", label: "Stripe" });
    expect(stripe.webhook_events).toContain("customer.subscription.updated");
    expect(stripe.read_permissions).toContain("Subscriptions: Read");
  });

  it("lets only owners connect", async () => {
    const response = await member.request("POST", `${base}/billing/stripe`, { api_key: TEST_KEY });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("forbidden");
    expect((await owner.request("GET", `${base}/billing`)).json().connections).toEqual([]);
  });

  it("refuses a key Stripe refuses on the api_key field, without echoing it", async () => {
    const key = "rk_test_refused0000000wxyz";
    const response = await owner.request("POST", `${base}/billing/stripe`, { api_key: key });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "invalid_key", field: "api_key" });
    expect(response.body).not.toContain(key);
    expect((await owner.request("GET", `${base}/billing`)).json().connections).toEqual([]);
  });

  it("refuses a provider no kind is registered for, naming the field", async () => {
    const response = await owner.request("POST", `${base}/billing`, {
      provider: "paddle",
      api_key: TEST_KEY,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: "unknown_provider", field: "provider" });
    expect(response.json().error.message).toContain("stripe");
    expect((await owner.request("GET", `${base}/billing`)).json().connections).toEqual([]);
  });

  it("validates the body", async () => {
    for (const body of [{}, { api_key: "" }, { api_key: "rk_test with space" }]) {
      const response = await owner.request("POST", `${base}/billing/stripe`, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: "validation_error", field: "api_key" });
    }
  });

  it("connects with a good key: its mode, hint and webhook URL, never the key or the secret", async () => {
    const response = await owner.request("POST", `${base}/billing/stripe`, {
      api_key: TEST_KEY,
      webhook_secret: WEBHOOK_SECRET,
    });
    expect(response.statusCode).toBe(201);
    const { connection } = response.json();
    connectionId = connection.id;
    expect(connection).toMatchObject({
      provider: "stripe",
      mode: "test",
      status: "active",
      api_key_hint: `sk_test_…${TEST_KEY.slice(-4)}`,
      has_webhook_secret: true,
      webhook_url: `${server.app.services.config.publicUrl}/webhooks/stripe/${connectionId}`,
      last_error: null,
    });
    expect(response.body).not.toContain(TEST_KEY);
    expect(response.body).not.toContain(WEBHOOK_SECRET);
  });

  it("refuses a second connection in the same mode with 409", async () => {
    const response = await owner.request("POST", `${base}/billing/stripe`, { api_key: TEST_KEY });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe("billing_already_connected");
  });

  it("shows the backfill's progress until it is done", async () => {
    const queued = await owner.request("GET", `${base}/billing/${connectionId}/sync`);
    expect(queued.statusCode).toBe(200);
    expect(queued.json().backfill).toBeNull();
    await drain();
    const done = await member.request("GET", `${base}/billing/${connectionId}/sync`);
    expect(done.json().backfill).toMatchObject({
      state: "succeeded",
      phase: "done",
      customers: 2,
      subscriptions: 2,
      error: null,
    });
    const listed = (await member.request("GET", `${base}/billing`)).json().connections;
    expect(listed).toHaveLength(1);
    expect(listed[0].backfill).toEqual(done.json().backfill);
  });

  it("starts another backfill on Sync now (owners), answering 202", async () => {
    expect((await member.request("POST", `${base}/billing/${connectionId}/sync`)).statusCode).toBe(
      403,
    );
    const response = await owner.request("POST", `${base}/billing/${connectionId}/sync`);
    expect(response.statusCode).toBe(202);
    expect(response.json().queued).toBe(true);
    await drain();
    const { backfill } = (
      await owner.request("GET", `${base}/billing/${connectionId}/sync`)
    ).json();
    expect(backfill.run_id).not.toBe(response.json().backfill.run_id);
    expect(backfill.state).toBe("succeeded");
  });

  it("sets and clears the webhook secret (owners)", async () => {
    const url = `${base}/billing/${connectionId}`;
    expect((await member.request("PATCH", url, { webhook_secret: null })).statusCode).toBe(403);
    const cleared = await owner.request("PATCH", url, { webhook_secret: null });
    expect(cleared.json().connection.has_webhook_secret).toBe(false);
    const set = await owner.request("PATCH", url, { webhook_secret: "whsec_second_secret" });
    expect(set.json().connection.has_webhook_secret).toBe(true);
    expect(set.body).not.toContain("whsec_second_secret");
  });

  it("refuses another account's connection as unknown, and leaves it be", async () => {
    const theirs = other.connectionId;
    for (const [method, url] of [
      ["GET", `${base}/billing/${theirs}/sync`],
      ["POST", `${base}/billing/${theirs}/sync`],
      ["PATCH", `${base}/billing/${theirs}`],
      ["DELETE", `${base}/billing/${theirs}`],
    ] as const) {
      const body = method === "PATCH" ? { webhook_secret: "whsec_hijack" } : undefined;
      const response = await owner.request(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
    const ours = await owner.request("GET", `${other.base}/billing`);
    expect(ours.statusCode).toBe(404);
    const still = (await other.owner.request("GET", `${other.base}/billing`)).json().connections;
    expect(still).toMatchObject([{ id: theirs, status: "active", has_webhook_secret: false }]);
  });
});

describe("what the sync found, on the dashboard", () => {
  it("insights: coverage, entry points, involuntary apart; test data only with include_test", async () => {
    const answer = await postWidgetEvent(server, {
      access_token_id: server.accessTokenId,
      customer_oid: ann.id,
      subscription_oids: [annSub.id],
      reason_id: (await owner.request("GET", `${base}/reasons`)).json().reasons[0].id,
      test_mode: true,
      idempotency_key: "billing-api-ann",
    });
    expect(answer.statusCode).toBe(201);

    const withTest = await member.request(
      "GET",
      `${base}/insights/cancellations?${range}&include_test=true`,
    );
    expect(withTest.statusCode).toBe(200);
    const lost = (amount: number) => [{ amount, currency: "usd" }];
    expect(withTest.json()).toMatchObject({
      coverage: { cancellations: 1, answered: 1, coverage: 1 },
      voluntary: { cancellations: 1, lost_mrr: lost(2900) },
      involuntary: { cancellations: 1, lost_mrr: lost(8700) },
      reactivations: { reactivations: 0, kept_mrr: [] },
      by_plan: [{ key: "Pro", cancellations: 1, lost_mrr: lost(2900) }],
    });
    expect(withTest.json().by_entry).toEqual(
      expect.arrayContaining([
        { key: "widget", cancellations: 1, lost_mrr: lost(2900) },
        { key: "payment_failure", cancellations: 1, lost_mrr: lost(8700) },
      ]),
    );
    expect(withTest.json().by_tenure).toEqual([
      { key: "under_1_month", cancellations: 1, lost_mrr: lost(2900) },
    ]);

    const liveOnly = (
      await member.request("GET", `${base}/insights/cancellations?${range}`)
    ).json();
    expect(liveOnly).toMatchObject({
      coverage: { cancellations: 0, answered: 0, coverage: null },
      voluntary: { cancellations: 0, lost_mrr: [] },
      involuntary: { cancellations: 0, lost_mrr: [] },
      by_entry: [],
    });
  });

  it("insights check the dates as the insights page's do", async () => {
    const response = await owner.request(
      "GET",
      `${base}/insights/cancellations?from=2026-02-01&to=2026-01-01`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "validation_error", field: "to" });
  });

  it("a customer's subscriptions and cancellations", async () => {
    const response = await member.request(
      "GET",
      `${base}/customers/billing?customer_oid=${encodeURIComponent(ann.id)}`,
    );
    expect(response.statusCode).toBe(200);
    const { subscriptions, cancellations } = response.json();
    expect(subscriptions).toMatchObject([
      { id: annSub.id, test_mode: true, status: "active", plan: "Pro" },
    ]);
    expect(subscriptions[0].cancel_at).not.toBeNull();
    expect(cancellations).toMatchObject([
      {
        subscription_id: annSub.id,
        test_mode: true,
        state: "scheduled",
        voluntary: true,
        lost_mrr: { amount: 2900, currency: "usd" },
        provider_feedback: "too_expensive",
      },
    ]);
    const unknown = await member.request(
      "GET",
      `${base}/customers/billing?customer_oid=cus_nobody`,
    );
    expect(unknown.json()).toEqual({ subscriptions: [], cancellations: [] });
    const theirs = await owner.request(
      "GET",
      `${other.base}/customers/billing?customer_oid=${encodeURIComponent(ann.id)}`,
    );
    expect(theirs.statusCode).toBe(404);
  });

  it("unmatched answers: ids no connection of the mode knows, none for a mode without one", async () => {
    for (const [customer, n] of [
      ["user_42", 1],
      ["user_42", 2],
      ["user_43", 3],
      [bob.id, 4],
    ] as const) {
      const stored = await postWidgetEvent(server, {
        access_token_id: server.accessTokenId,
        customer_oid: customer,
        reason_id: (await owner.request("GET", `${base}/reasons`)).json().reasons[0].id,
        test_mode: true,
        idempotency_key: `billing-api-unmatched-${n}`,
      });
      expect(stored.statusCode).toBe(201);
    }
    const response = await member.request("GET", `${base}/setup/unmatched-answers`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      live: null,
      test: { total: 3, customer_oids: ["user_43", "user_42"] },
    });
  });
});

describe("disconnecting", () => {
  it("drops the connection (owners), keeps it listed as history, and refuses syncing it", async () => {
    const [connection] = (await owner.request("GET", `${base}/billing`)).json().connections;
    const url = `${base}/billing/${connection.id}`;
    expect((await member.request("DELETE", url)).statusCode).toBe(403);
    const response = await owner.request("DELETE", url);
    expect(response.statusCode).toBe(200);
    expect(response.json().connection).toMatchObject({
      status: "disconnected",
      has_webhook_secret: false,
    });
    expect((await owner.request("POST", `${url}/sync`)).statusCode).toBe(404);
    const listed = (await owner.request("GET", `${base}/billing`)).json().connections;
    expect(listed).toMatchObject([{ id: connection.id, status: "disconnected" }]);
  });
});

describe("logs", () => {
  it("never hold a key or a webhook secret", () => {
    const all = logs.join("\n");
    expect(all).toContain("request refused");
    for (const secret of [TEST_KEY, LIVE_KEY, WEBHOOK_SECRET, "whsec_second_secret"]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain("rk_test_refused");
  });
});

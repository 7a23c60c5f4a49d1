import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BillingError } from "../../src/billing/billing-error.js";
import type {
  BillingCustomer,
  BillingEvent,
  BillingProvider,
  BillingSubscription,
  Page,
  WebhookRequest,
} from "../../src/billing/provider.js";
import type { ProviderKind } from "../../src/billing/provider-kind.js";
import { providerKind, providerKinds, registerProviderKind } from "../../src/billing/providers.js";
import { stripeKind } from "../../src/billing/stripe/kind.js";
import { loadConfig } from "../../src/config.js";
import { createWorker } from "../../src/server/worker.js";
import { runBackfill } from "../../src/sync/backfill.js";
import { connectBilling } from "../../src/sync/connect.js";
import type { SyncDeps } from "../../src/sync/deps.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { testSecrets } from "../helpers/secrets.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { silentLog } from "./setup.js";

/**
 * "Ledger", a billing provider of this test only, held in memory: registered like Stripe,
 * it must connect, backfill and take webhooks through the same code, none of it changed.
 */
const ledger = {
  customers: new Map<string, BillingCustomer>(),
  subscriptions: new Map<string, BillingSubscription>(),
};

function customer(id: string, email: string): BillingCustomer {
  const c = { id, created: 1_700_000_000, email, name: null, deleted: false, livemode: false };
  return { ...c, raw: c };
}

function subscription(id: string, customerId: string, quantity: number): BillingSubscription {
  return {
    id,
    customerId,
    status: "active",
    currency: "jpy",
    items: [
      {
        id: `${id}_item`,
        quantity,
        discounts: [],
        price: {
          id: "ledger_price_basic",
          currency: "jpy",
          billingScheme: "per_unit",
          unitAmount: 1500,
          tiersMode: null,
          tiers: [],
          transformQuantity: null,
          recurring: { interval: "month", intervalCount: 1, usageType: "licensed" },
          nickname: "Basic",
          productId: "ledger_basic",
          productName: "Basic",
        },
      },
    ],
    discounts: [],
    created: 1_700_000_100,
    trialEnd: null,
    currentPeriodEnd: 1_800_000_000,
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    pausedCollection: false,
    cancellationDetails: { reason: null, feedback: null, comment: null },
    livemode: false,
    origin: { source: "fetch", asOfMs: Date.now(), eventId: null },
    raw: { id },
  };
}

async function* onePage<T>(items: Iterable<T>): AsyncIterable<Page<T>> {
  yield { items: [...items], cursor: null, done: true };
}

const sign = (body: string, secret: string) =>
  createHmac("sha256", secret).update(body).digest("hex");

/** Ledger's webhooks: an HMAC of the body in `ledger-signature`, naming an object to re-fetch. */
async function parseLedgerWebhook(request: WebhookRequest): Promise<BillingEvent> {
  const body = String(
    request.rawBody instanceof Uint8Array ? Buffer.from(request.rawBody) : request.rawBody,
  );
  const given = Buffer.from(String(request.headers["ledger-signature"] ?? ""));
  const expected = Buffer.from(sign(body, request.secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BillingError("invalid_signature", "Not signed by Ledger.");
  }
  const sent = JSON.parse(body) as { id: string; subscription: string; created: number };
  const found = ledger.subscriptions.get(sent.subscription);
  if (!found) throw new BillingError("invalid_signature", "No such subscription.");
  return {
    id: sent.id,
    type: "subscription.updated",
    providerType: "subscription_changed",
    created: sent.created,
    livemode: false,
    object: { kind: "subscription", subscription: found },
    previous: null,
    request: null,
    raw: sent,
  };
}

function ledgerProvider(): BillingProvider {
  const now = () => ({ eventId: null, created: Math.floor(Date.now() / 1000) });
  return {
    provider: "ledger",
    mode: "test",
    eventRetentionDays: 30,
    customers: () => onePage(ledger.customers.values()),
    subscriptions: () => onePage(ledger.subscriptions.values()),
    pageSize: 100,
    // Newest first, as the backfill's planning expects of every provider.
    probeCreated: async (list, { lte, limit }) => {
      const objects = list === "customers" ? ledger.customers : ledger.subscriptions;
      const created = [...objects.values()]
        .map((object) => object.created ?? 0)
        .filter((at) => lte === undefined || at <= lte)
        .sort((a, b) => b - a);
      return { created: created.slice(0, limit), hasMore: created.length > limit };
    },
    customer: async (id) => ledger.customers.get(id) ?? null,
    subscription: async (id) => {
      const found = ledger.subscriptions.get(id);
      return found ? { ...found, origin: { ...found.origin, asOfMs: Date.now() } } : null;
    },
    eventCursor: async () => now(),
    eventsSince: async function* () {
      yield { events: [], cursor: now(), done: true };
    },
    parseWebhook: parseLedgerWebhook,
  };
}

const ledgerKind: ProviderKind = {
  name: "ledger",
  label: "Ledger",
  keyMode: (apiKey) => {
    if (!apiKey.startsWith("ledger_test_")) throw new BillingError("invalid_key", "Not a key.");
    return "test";
  },
  isWebhookSecret: (secret) => secret.startsWith("lwh_"),
  create: ({ apiKey }) => {
    ledgerKind.keyMode(apiKey);
    return ledgerProvider();
  },
  docs: {
    keyHelp: "Ledger → Keys",
    webhookHelp: "Ledger → Webhooks",
    keyExample: "ledger_test_…",
    webhookSecretExample: "lwh_…",
    readPermissions: ["Everything: Read"],
    webhookEvents: ["subscription_changed"],
  },
};

const WEBHOOK_SECRET = "lwh_second_provider";
let server: TestServer;
let worker: ReturnType<typeof createWorker>;
let owner: Client;
let unregister: () => void;
const config = loadConfig({ WORKER: "off" });
const deps = (): SyncDeps => ({
  db: server.database.db,
  secrets: testSecrets,
  config,
  log: silentLog,
});

beforeAll(async () => {
  unregister = registerProviderKind(ledgerKind);
  server = await startTestServer({ listen: false });
  worker = createWorker({
    config,
    database: server.database,
    secrets: testSecrets,
    log: silentLog,
  });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "owner@example.com");
  ledger.customers.set("lc_ann", customer("lc_ann", "ann@example.com"));
  ledger.subscriptions.set("ls_ann", subscription("ls_ann", "lc_ann", 2));
});
afterAll(async () => {
  unregister?.();
  await server?.close();
});

async function drain(): Promise<void> {
  while ((await worker.runOnce()) > 0) {}
}

function postWebhook(connectionId: string, body: string, signature: string, provider = "ledger") {
  return server.app.inject({
    method: "POST",
    url: `/webhooks/${provider}/${connectionId}`,
    headers: { "content-type": "application/json", "ledger-signature": signature },
    payload: body,
  });
}

const mrrOf = async (id: string) =>
  await server.database.db
    .selectFrom("billing_subscriptions")
    .select(["mrr_amount", "currency"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();

describe("the provider registry", () => {
  it("knows Stripe, refuses an unknown name with unknown_provider on the field, and a second kind of a name", () => {
    expect(providerKind("stripe")).toBe(stripeKind);
    expect(() => providerKind("paddle")).toThrow(
      expect.objectContaining({ code: "unknown_provider", field: "provider", status: 404 }),
    );
    expect(() => providerKind("paddle", "kind")).toThrow(
      expect.objectContaining({ field: "kind" }),
    );
    expect(() => registerProviderKind(stripeKind)).toThrow(/registered already/);
    expect(() => registerProviderKind({ ...ledgerKind, name: "Led-ger" })).toThrow(/lower case/);
    expect(providerKinds().map((k) => k.name)).toEqual(["stripe", "ledger"]);
  });

  it("lists a registered kind in the dashboard's API, with its own words", async () => {
    const reply = (await owner.request("GET", `/api/accounts/${server.accountId}/billing`)).json();
    expect(reply.providers.map((p: { name: string }) => p.name)).toEqual(["stripe", "ledger"]);
    expect(reply.providers[1]).toMatchObject({
      label: "Ledger",
      key_example: "ledger_test_…",
      webhook_events: ["subscription_changed"],
    });
  });
});

describe("a second provider, registered from a test", () => {
  let connectionId: string;

  it("connects through the dashboard's API, its webhook URL under its own name", async () => {
    const base = `/api/accounts/${server.accountId}`;
    const refused = await owner.request("POST", `${base}/billing`, {
      provider: "ledger",
      api_key: "rk_test_x",
    });
    expect(refused.json().error).toMatchObject({ code: "invalid_key", field: "api_key" });
    const response = await owner.request("POST", `${base}/billing`, {
      provider: "ledger",
      api_key: "ledger_test_abc123",
      webhook_secret: WEBHOOK_SECRET,
    });
    expect(response.statusCode).toBe(201);
    const { connection } = response.json();
    expect(connection).toMatchObject({
      provider: "ledger",
      mode: "test",
      has_webhook_secret: true,
    });
    expect(connection.webhook_url).toMatch(new RegExp(`/webhooks/ledger/${connection.id}$`));
    connectionId = connection.id;
  });

  it("syncs through the same backfill, MRR computed as for Stripe", async () => {
    await drain();
    const done = await runBackfill(deps(), server.accountId, connectionId);
    expect(done).toMatchObject({ state: "succeeded", customers: 1, subscriptions: 1 });
    // ¥1,500 × 2 seats a month; yen has no minor unit.
    expect(await mrrOf("ls_ann")).toEqual({ mrr_amount: 3000, currency: "jpy" });
  });

  it("takes its webhooks at /webhooks/ledger/:id, checked by its kind, processed once", async () => {
    ledger.subscriptions.set("ls_ann", subscription("ls_ann", "lc_ann", 5));
    const body = JSON.stringify({ id: "lev_1", subscription: "ls_ann", created: 1_800_000 });
    expect((await postWebhook(connectionId, body, "0".repeat(64))).json().error.code).toBe(
      "invalid_signature",
    );
    // Stripe's route for a Ledger connection: no such connection there.
    const asStripe = await postWebhook(connectionId, body, sign(body, WEBHOOK_SECRET), "stripe");
    expect(asStripe.statusCode).toBe(404);
    expect(asStripe.json().error.code).toBe("not_found");
    const unknown = await postWebhook(connectionId, body, sign(body, WEBHOOK_SECRET), "paddle");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: "unknown_provider", field: "provider" });

    const first = await postWebhook(connectionId, body, sign(body, WEBHOOK_SECRET));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const again = await postWebhook(connectionId, body, sign(body, WEBHOOK_SECRET));
    expect(again.json()).toEqual({ received: true, duplicate: true });
    await drain();
    expect(await mrrOf("ls_ann")).toEqual({ mrr_amount: 7500, currency: "jpy" });
  });

  it("is refused by connectBilling once unregistered, as any unknown name", async () => {
    await expect(
      connectBilling(deps(), server.accountId, { provider: "nope", apiKey: "ledger_test_x" }),
    ).rejects.toMatchObject({ code: "unknown_provider", field: "provider" });
  });
});

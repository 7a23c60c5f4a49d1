import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_KEY } from "../billing/stripe/fake.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { stripeWithPro } from "../helpers/billing-account.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const { fake, pro } = await stripeWithPro();
const env = { STRIPE_API_BASE: fake.url, STRIPE_TEST_RATE_LIMIT: "0", STRIPE_RATE_LIMIT: "0" };
let server: TestServer;
let owner: Client;
let base: string;
let reasonId: string;

beforeAll(async () => {
  server = await startTestServer({ listen: false, env });
  base = `/api/accounts/${server.accountId}`;
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "owner@example.com");
  reasonId = (await owner.request("GET", `${base}/reasons`)).json().reasons[0].id;
  // Straight in the database: connecting through the route would start a sync this file needs not.
  await server.app.repos.billingConnections.create(server.accountId, {
    provider: "stripe",
    mode: "test",
    apiKey: TEST_KEY,
  });
});
afterAll(() => server?.close());

const switchTo = (priceId: string) => ({
  kind: "price_switch",
  title: "Move to Pro",
  params: { price_id: priceId },
  reason_ids: [reasonId],
});
const priceLookups = () => fake.requests.filter((r) => r.path.startsWith("/v1/prices/")).length;
const stored = () => server.app.repos.offers.list(server.accountId);

describe("a price switch's price, with a billing connection", () => {
  it("is one the provider has", async () => {
    const unknown = await owner.request("POST", `${base}/offers`, switchTo("price_nothing"));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({ code: "unknown_price", field: "params.price_id" });
    expect(await stored()).toEqual([]);

    const known = await owner.request("POST", `${base}/offers`, switchTo(pro.id));
    expect(known.statusCode, known.body).toBe(201);
    expect(known.json().offer.params).toEqual({ price_id: pro.id });
  });

  it("is asked again only when it changes, so an edit works while the provider fails", async () => {
    const [offer] = await stored();
    const asked = priceLookups();
    fake.inject({ kind: "server_error", status: 400, shouldRetry: false }, { path: "/v1/prices" });
    const off = await owner.request("PUT", `${base}/offers/${offer?.id}`, {
      ...switchTo(pro.id),
      active: false,
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(priceLookups()).toBe(asked);

    const changed = await owner.request("PUT", `${base}/offers/${offer?.id}`, switchTo("price_x"));
    fake.clearFaults();
    expect(changed.statusCode).toBe(502);
    expect(changed.json().error).toMatchObject({
      code: "billing_unavailable",
      field: "params.price_id",
    });
    expect(await stored()).toMatchObject([{ params: { price_id: pro.id }, active: false }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logoPng } from "../helpers/images.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import {
  ACCOUNT_ROUTES,
  type AccountRoute,
  createFixture,
  type Fixture,
  registeredAccountRoutes,
  secretsOf,
} from "./account-routes.js";

let server: TestServer;
let alpha: Fixture;
let bravo: Fixture;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
  alpha = await createFixture(server, "alpha");
  bravo = await createFixture(server, "bravo");
});
afterAll(() => server.close());

const describeRoute = (r: AccountRoute) => `${r.method} ${r.route}`;

function call(route: AccountRoute, url: string, headers: Record<string, string>) {
  return server.app.inject({
    method: route.method,
    url,
    headers,
    ...(route.body === undefined ? {} : { payload: route.body as object }),
  });
}

function asAlpha(route: AccountRoute, url: string) {
  return call(route, url, { cookie: alpha.owner.cookie, "x-csrf-token": alpha.owner.csrf });
}

function expectNothingOf(body: string, victim: Fixture, what: string) {
  for (const secret of secretsOf(victim)) {
    expect(body, `${what} leaks ${secret}`).not.toContain(secret);
  }
}

describe("the table of account-scoped routes", () => {
  it("covers every route registered under /api/accounts/:accountId", () => {
    const registered = registeredAccountRoutes(server.app);
    expect(registered.length).toBeGreaterThan(0);
    const inTable = ACCOUNT_ROUTES.map(describeRoute).sort();
    expect(inTable).toEqual(registered);
  });
});

describe("a user of one account, on another account's routes", () => {
  for (const route of ACCOUNT_ROUTES) {
    it(`${describeRoute(route)} with the other account's id: 404, nothing leaked`, async () => {
      const response = await asAlpha(route, route.url(bravo));
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe("not_found");
      expectNothingOf(response.body, bravo, describeRoute(route));
      // Indistinguishable from an account that does not exist.
      const missing = await asAlpha(
        route,
        route.url({ ...bravo, accountId: "acc_doesnotexist00000000" }),
      );
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual(response.json());
    });

    if (/:(?!accountId)\w+/.test(route.route)) {
      it(`${describeRoute(route)} with own account id but the other's resource ids: 404, nothing leaked`, async () => {
        const url = route.url({ ...bravo, accountId: alpha.accountId });
        const response = await asAlpha(route, url);
        expect(response.statusCode).toBe(404);
        expectNothingOf(response.body, bravo, describeRoute(route));
      });
    }

    it(`${describeRoute(route)} signed out: 401`, async () => {
      const response = await call(route, route.url(bravo), {});
      expect(response.statusCode).toBe(401);
      expectNothingOf(response.body, bravo, describeRoute(route));
    });
  }

  it("left the other account exactly as it was", async () => {
    const base = `/api/accounts/${bravo.accountId}`;
    const owner = bravo.owner;
    const account = (await owner.request("GET", base)).json().account;
    expect(account.name).toBe(bravo.accountName);
    const members = (await owner.request("GET", `${base}/members`)).json().members;
    expect(members.map((m: { email: string; role: string }) => [m.email, m.role]).sort()).toEqual([
      [bravo.memberEmail, "member"],
      [bravo.ownerEmail, "owner"],
    ]);
    const invites = (await owner.request("GET", `${base}/invites`)).json().invites;
    expect(invites.map((i: { id: string }) => i.id)).toEqual([bravo.inviteId]);
    const tokens = (await owner.request("GET", `${base}/embed-tokens`)).json().embed_tokens;
    expect(tokens).toHaveLength(2);
    expect(tokens.every((t: { revoked_at: string | null }) => t.revoked_at === null)).toBe(true);
    const keys = (await owner.request("GET", `${base}/api-keys`)).json().api_keys;
    expect(keys).toHaveLength(2);
    expect(keys.every((k: { revoked_at: string | null }) => k.revoked_at === null)).toBe(true);
    const reasons = (await owner.request("GET", `${base}/reasons`)).json().reasons;
    const texts = reasons.map((r: { text: string }) => r.text);
    expect(texts).toContain("bravo secret reason");
    expect(texts).not.toContain("Hijacked");
    const webhooks = (await owner.request("GET", `${base}/webhooks`)).json().endpoints;
    expect(webhooks).toEqual([
      expect.objectContaining({
        id: bravo.webhookId,
        url: bravo.webhookUrl,
        secret: bravo.webhookSecret,
      }),
    ]);
    const deliveries = (await owner.request("GET", `${base}/webhooks/deliveries`)).json();
    expect(deliveries.deliveries.map((d: { id: string }) => d.id)).toEqual([bravo.deliveryId]);
    const settings = (await owner.request("GET", `${base}/widget-settings`)).json().settings;
    expect(settings).toMatchObject({ brand_color: "#4f46e5", allowed_origins: [] });
    expect(settings.logo).toMatchObject({ size: logoPng().length });
    const billing = (
      await owner.request("GET", `${base}/customers/billing?customer_oid=${bravo.customerOid}`)
    ).json();
    expect(billing.cancellations).toMatchObject([
      { id: bravo.cancellationId, reason_id: bravo.reasonId },
    ]);
    const offers = (await owner.request("GET", `${base}/offers`)).json().offers;
    expect(offers).toMatchObject([{ id: bravo.offerId, title: "bravo secret offer" }]);
    const offerSettings = (await owner.request("GET", `${base}/offer-settings`)).json();
    expect(offerSettings.settings).toEqual({
      window_months: 12,
      holdout_percent: 0,
      save_days: 30,
    });
    // And the attacker's own account list never shows it.
    const mine = (await alpha.owner.request("GET", "/api/accounts")).json().accounts;
    expect(mine.map((a: { id: string }) => a.id)).toEqual([alpha.accountId]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWidgetEvent, v1Client } from "../helpers/api.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

// Text Postgres cannot store: a lone UTF-16 surrogate (valid JSON, no Unicode character) and
// NUL. Each must be a 400 naming where it was, with nothing stored; never a 500.
const LONE_SURROGATES = ["\udc00", "ok \ud800 then", "\ud83d"];

let server: TestServer;
let owner: Client;
let reasonId: string;
let key = 0;

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "owner@example.com");
  const config = await server.app.inject({
    url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
  });
  reasonId = config.json().reasons[0].id;
});
afterAll(() => server.close());

function widgetAnswer(overrides: Record<string, unknown>) {
  return {
    access_token_id: server.accessTokenId,
    customer_oid: "cus_1",
    reason_id: reasonId,
    comment: "fine",
    subscription_oids: ["sub_1"],
    idempotency_key: `bad-text-${++key}`,
    ...overrides,
  };
}

function expectRefused(response: { statusCode: number; json(): unknown }, field: string) {
  expect(response.statusCode).toBe(400);
  expect(response.json()).toEqual({
    error: { code: "validation_error", message: expect.stringMatching(/Unicode|NUL/), field },
  });
}

describe("text the database cannot hold is a 400 naming the field", () => {
  for (const bad of LONE_SURROGATES) {
    for (const [field, value, named] of [
      ["customer_oid", bad, "customer_oid"],
      ["comment", bad, "comment"],
      ["subscription_oids", ["sub_1", bad], "subscription_oids[1]"],
      ["locale", bad, "locale"],
    ] as const) {
      it(`widget ingest: ${JSON.stringify(bad)} in ${field}`, async () => {
        const before = (await server.storedEvents()).length;
        expectRefused(await postWidgetEvent(server, widgetAnswer({ [field]: value })), named);
        expect((await server.storedEvents()).length).toBe(before);
      });
    }

    it(`REST API: ${JSON.stringify(bad)} in the comment and the customer`, async () => {
      const v1 = v1Client(server);
      const body = { reason_id: reasonId, customer_oid: "cus_1", comment: bad };
      expectRefused(await v1("POST", "/events", { payload: body }), "comment");
      expectRefused(
        await v1("POST", "/events", { payload: { ...body, comment: "x", customer_oid: bad } }),
        "customer_oid",
      );
      expectRefused(await v1("POST", "/reasons", { payload: { text: bad } }), "text");
    });
  }

  it("the dashboard's searches and filters", async () => {
    const q = encodeURIComponent("\udc00".toWellFormed());
    expect(
      (await owner.request("GET", `/api/accounts/${server.accountId}/events?q=${q}`)).statusCode,
    ).toBe(200);
    const nul = await owner.request("GET", `/api/accounts/${server.accountId}/events?q=a%00b`);
    expectRefused(nul, "q");
  });
});

describe("path parameters are checked before any lookup", () => {
  it("a NUL in an account id is a 400, not a 500", async () => {
    for (const path of ["members", "insights?from=2026-01-01&to=2026-02-01", "webhooks"]) {
      expectRefused(await owner.request("GET", `/api/accounts/%00/${path}`), "accountId");
    }
    expectRefused(await v1Client(server)("GET", "/events/evt%00x"), "id");
  });

  it("a path that is no valid UTF-8 gets the one error shape, not Fastify's", async () => {
    for (const url of [
      "/api/accounts/%FF/members",
      "/api/accounts/%ED%B0%80/members",
      "/v1/cancellation_insights/events/%FF",
      "/invite/%C3",
    ]) {
      const response = await owner.request("GET", url);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: { code: "validation_error", message: expect.any(String), field: "path" },
      });
    }
  });
});

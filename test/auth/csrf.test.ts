import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createUser, PASSWORD, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let ann: Client;
let other: Client;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, "ann@example.com", { accounts: [[server.accountId, "owner"]] });
  await createUser(server, "bob@example.com");
  ann = await signIn(server, "ann@example.com");
  other = await signIn(server, "bob@example.com");
});
afterAll(() => server.close());

/** A state-changing request with Ann's cookie and the given extra headers. */
function send(
  method: "POST" | "PATCH" | "DELETE",
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
) {
  return server.app.inject({
    method,
    url,
    headers: { cookie: ann.cookie, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describe("CSRF token on state-changing dashboard routes", () => {
  const routes = () =>
    [
      ["POST", "/api/accounts", { name: "CSRF Test" }],
      ["PATCH", `/api/accounts/${server.accountId}`, { name: "Renamed" }],
      ["POST", `/api/accounts/${server.accountId}/embed-tokens`, { name: "csrf" }],
      ["POST", `/api/accounts/${server.accountId}/api-keys`, { name: "csrf" }],
      ["POST", `/api/accounts/${server.accountId}/invites`, { role: "member" }],
      ["DELETE", `/api/accounts/${server.accountId}/members/usr_nobody`, undefined],
      ["POST", "/api/auth/logout-everywhere", undefined],
    ] as const;

  it("refuses them without a token, with a wrong token or another session's token", async () => {
    for (const [method, url, payload] of routes()) {
      const attempts: Array<Record<string, string>> = [
        {},
        { "x-csrf-token": "" },
        { "x-csrf-token": "wrong" },
        { "x-csrf-token": `${ann.csrf.slice(0, -1)}x` },
        { "x-csrf-token": other.csrf },
      ];
      for (const headers of attempts) {
        const response = await send(method, url, headers, payload);
        expect(response.statusCode, `${method} ${url} ${JSON.stringify(headers)}`).toBe(403);
        expect(response.json().error.code).toBe("csrf_failed");
      }
    }
    // Nothing happened: the account kept its name, Ann is still signed in.
    const account = await ann.request("GET", `/api/accounts/${server.accountId}`);
    expect(account.json().account.name).toBe("Acme Test");
  });

  it("accepts them with the session's token", async () => {
    const created = await ann.request("POST", "/api/accounts", { name: "With Token" });
    expect(created.statusCode).toBe(201);
    const renamed = await ann.request("PATCH", `/api/accounts/${created.json().account.id}`, {
      name: "With Token 2",
    });
    expect(renamed.statusCode).toBe(200);
  });

  it("does not need a token to read", async () => {
    const response = await server.app.inject({
      url: `/api/accounts/${server.accountId}/members`,
      headers: { cookie: ann.cookie },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe("the browser's own word on where a request comes from", () => {
  const withToken = (headers: Record<string, string>) =>
    send("POST", "/api/accounts", { "x-csrf-token": ann.csrf, ...headers }, { name: "Site" });

  it("refuses cross-site and foreign-origin requests even with the right token", async () => {
    const foreign: Array<Record<string, string>> = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example" },
      { origin: "null" },
    ];
    for (const headers of foreign) {
      const response = await withToken(headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.json().error.code).toBe("csrf_failed");
    }
  });

  it("accepts same-origin requests (PUBLIC_URL or the Host it was sent to)", async () => {
    const own: Array<Record<string, string>> = [
      { "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:3000" },
      { origin: "http://dashboard.test:8080", host: "dashboard.test:8080" },
    ];
    for (const headers of own) {
      expect((await withToken(headers)).statusCode, JSON.stringify(headers)).toBe(201);
    }
  });

  it("guards sign-in, which has no session yet, by origin (login CSRF)", async () => {
    const login = (headers: Record<string, string>) =>
      server.app.inject({
        method: "POST",
        url: "/api/auth/login",
        headers,
        payload: { email: "ann@example.com", password: PASSWORD },
      });
    expect((await login({ origin: "https://evil.example" })).statusCode).toBe(403);
    expect((await login({ "sec-fetch-site": "cross-site" })).statusCode).toBe(403);
    expect((await login({ "sec-fetch-site": "same-origin" })).statusCode).toBe(200);
    // A cross-site HTML form can only send form or text bodies, which are not JSON objects.
    const form = await server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      headers: { "content-type": "text/plain" },
      payload: "email=ann@example.com&password=x",
    });
    expect(form.statusCode).toBe(400);
  });
});

describe("public widget routes", () => {
  it("keep working cross-site, with or without a dashboard cookie, and need no token", async () => {
    const config = await server.app.inject({
      url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
      headers: { origin: "https://customer.example", "sec-fetch-site": "cross-site" },
    });
    expect(config.statusCode).toBe(200);
    const reasonId = config.json().reasons[0].id;
    for (const cookie of [undefined, ann.cookie]) {
      const response = await server.app.inject({
        method: "POST",
        url: "/api/widget/events",
        headers: {
          "content-type": "text/plain;charset=UTF-8",
          origin: "https://customer.example",
          "sec-fetch-site": "cross-site",
          ...(cookie ? { cookie } : {}),
        },
        payload: JSON.stringify({
          access_token_id: server.accessTokenId,
          customer_oid: "cus_csrf",
          reason_id: reasonId,
          test_mode: true,
          idempotency_key: `csrf-widget-${cookie ? "cookie" : "plain"}`,
        }),
      });
      expect(response.statusCode).toBe(201);
      expect(response.headers["access-control-allow-origin"]).toBe("*");
      expect(response.headers["set-cookie"]).toBeUndefined();
    }
  });
});

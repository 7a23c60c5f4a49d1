import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let reasonId: string;
beforeAll(async () => {
  server = await startTestServer({ listen: false, env: { WIDGET_RATE_LIMIT: "5" } });
  const config = await server.app.inject({
    url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
  });
  reasonId = config.json().reasons[0].id;
});
afterAll(() => server.close());

function post(ip: string, n: number) {
  return server.app.inject({
    method: "POST",
    url: "/api/widget/events",
    remoteAddress: ip,
    headers: { "content-type": "text/plain" },
    payload: JSON.stringify({
      access_token_id: server.accessTokenId,
      customer_oid: "cus_rl",
      reason_id: reasonId,
      test_mode: true,
      idempotency_key: `rate-${ip.replaceAll(".", "_")}-${n}`,
    }),
  });
}

describe("ingest rate limit per token and IP", () => {
  it("refuses the request past the limit with 429 JSON, and nothing is stored", async () => {
    for (let i = 0; i < 5; i++) expect((await post("10.0.0.1", i)).statusCode).toBe(201);
    const stored = (await server.storedEvents()).length;
    const refused = await post("10.0.0.1", 99);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("rate_limited");
    expect(refused.headers["retry-after"]).toBeDefined();
    expect((await server.storedEvents()).length).toBe(stored);
    // Another client of the same site is not throttled by the first one.
    expect((await post("10.0.0.2", 1)).statusCode).toBe(201);
  });
});

describe("client IP and proxies", () => {
  it("a client cannot dodge the limit by sending its own X-Forwarded-For", async () => {
    const spoofed = (n: number) =>
      server.app.inject({
        method: "POST",
        url: "/api/widget/events",
        remoteAddress: "10.0.0.3",
        headers: { "content-type": "text/plain", "x-forwarded-for": `203.0.113.${n}` },
        payload: JSON.stringify({
          access_token_id: server.accessTokenId,
          customer_oid: "cus_spoof",
          reason_id: reasonId,
          test_mode: true,
          idempotency_key: `spoof-${n}-abcdef`,
        }),
      });
    const statuses = [];
    for (let n = 0; n < 6; n++) statuses.push((await spoofed(n)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it("behind a trusted proxy each forwarded client has its own limit", async () => {
    const behindProxy = await startTestServer({
      listen: false,
      env: { WIDGET_RATE_LIMIT: "1", TRUST_PROXY: "true" },
    });
    try {
      const config = await behindProxy.app.inject({
        url: `/api/widget/config?access_token_id=${behindProxy.accessTokenId}`,
      });
      const reason = config.json().reasons[0].id;
      const send = (client: string, n: number) =>
        behindProxy.app.inject({
          method: "POST",
          url: "/api/widget/events",
          remoteAddress: "10.0.0.1",
          headers: { "content-type": "text/plain", "x-forwarded-for": client },
          payload: JSON.stringify({
            access_token_id: behindProxy.accessTokenId,
            customer_oid: "cus_proxy",
            reason_id: reason,
            test_mode: true,
            idempotency_key: `proxy-${n}-abcdef`,
          }),
        });
      expect((await send("203.0.113.1", 1)).statusCode).toBe(201);
      expect((await send("203.0.113.2", 2)).statusCode).toBe(201);
      expect((await send("203.0.113.2", 3)).statusCode).toBe(429);
    } finally {
      await behindProxy.close();
    }
  });
});

describe("guessing access tokens", () => {
  it("an address naming unknown tokens is shut out after 20 for the minute; others are not", async () => {
    const guess = (n: number) =>
      server.app.inject({
        url: `/api/widget/config?access_token_id=tok_guess_${n}`,
        remoteAddress: "10.0.8.8",
      });
    const statuses: number[] = [];
    for (let n = 0; n < 200; n++) statuses.push((await guess(n)).statusCode);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(403));
    expect(statuses.slice(20)).toEqual(Array(180).fill(429));

    const refused = await guess(999);
    expect(refused.json().error).toMatchObject({ code: "rate_limited", field: "access_token_id" });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
    // Ingest and the logo route ask the same guard, before any lookup.
    const ingest = await server.app.inject({
      method: "POST",
      url: "/api/widget/events",
      remoteAddress: "10.0.8.8",
      headers: { "content-type": "text/plain" },
      payload: JSON.stringify({
        access_token_id: "tok_guess_x",
        customer_oid: "cus_1",
        kind: "dismissal",
        idempotency_key: "guess-ingest-1",
      }),
    });
    expect(ingest.statusCode).toBe(429);
    const logo = await server.app.inject({
      url: "/api/widget/logos/tok_guess_y/AAAAAAAAAAAAAAAAAAAAAA",
      remoteAddress: "10.0.8.8",
    });
    expect(logo.statusCode).toBe(429);

    // A visitor elsewhere, with the site's real token, is served.
    const real = await server.app.inject({
      url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
      remoteAddress: "10.0.8.9",
    });
    expect(real.statusCode).toBe(200);
  });
});

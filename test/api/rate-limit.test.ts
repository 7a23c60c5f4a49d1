import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeysRepository } from "../../src/db/repositories/api-keys.js";
import { snapshot, type V1Call, v1Client } from "../helpers/api.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let api: V1Call;

beforeAll(async () => {
  server = await startTestServer({ listen: false, env: { API_RATE_LIMIT: "3" } });
  api = v1Client(server);
});
afterAll(() => server.close());

describe("rate limit per API key (API_RATE_LIMIT per minute)", () => {
  it("tells the budget in RateLimit-* headers, then refuses with 429 and Retry-After", async () => {
    const reasonId = (await api("GET", "/reasons")).json().reasons[0].id;
    const second = await api("GET", "/reasons");
    expect(second.statusCode).toBe(200);
    expect(second.headers["ratelimit-limit"]).toBe("3");
    expect(second.headers["ratelimit-remaining"]).toBe("1");
    expect(Number(second.headers["ratelimit-reset"])).toBeGreaterThan(0);
    expect(Number(second.headers["ratelimit-reset"])).toBeLessThanOrEqual(60);
    expect(second.headers["x-ratelimit-limit"]).toBeUndefined();

    const third = await api("GET", "/events");
    expect(third.headers["ratelimit-remaining"]).toBe("0");

    const before = await snapshot(server.database.db);
    const refused = await api("POST", "/events", {
      payload: { reason_id: reasonId, customer_oid: "cus_too_fast" },
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe("rate_limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.headers["ratelimit-remaining"]).toBe("0");
    expect(await snapshot(server.database.db)).toEqual(before);
  });

  it("each key has its own budget", async () => {
    const { secret } = await createApiKeysRepository(server.database.db).create(
      server.accountId,
      "Second",
    );
    expect((await api("GET", "/reasons")).statusCode).toBe(429);
    const fresh = await v1Client(server, secret)("GET", "/reasons");
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers["ratelimit-remaining"]).toBe("2");
  });

  it("the OpenAPI document is not limited", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await server.app.inject({ url: "/v1/openapi.json" })).statusCode).toBe(200);
    }
  });
});

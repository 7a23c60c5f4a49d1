import { createHmac } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbedTokensRepository } from "../../src/db/repositories/embed-tokens.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let reasons: Array<{ id: string; text: string }>;
let keyCounter = 0;

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  const config = await server.app.inject({
    url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
  });
  reasons = config.json().reasons;
});
afterAll(() => server.close());

function answer(overrides: Record<string, unknown> = {}) {
  keyCounter++;
  return {
    access_token_id: server.accessTokenId,
    customer_oid: "cus_123",
    reason_id: reasons[0]?.id,
    comment: "Too pricey for us",
    subscription_oids: ["sub_1", "sub_2"],
    idempotency_key: `key-${keyCounter}-${Date.now()}`,
    ...overrides,
  };
}

function post(body: unknown, contentType = "text/plain;charset=UTF-8") {
  return server.app.inject({
    method: "POST",
    url: "/api/widget/events",
    headers: { "content-type": contentType },
    payload: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function eventCount() {
  return (await server.storedEvents()).length;
}

describe("POST /api/widget/events", () => {
  it("stores an answer with its reason text, comment, customer and subscriptions", async () => {
    const body = answer({ test_mode: true });
    const response = await post(body);
    expect(response.statusCode).toBe(201);
    const { event } = response.json();
    expect(event).toMatchObject({
      kind: "answer",
      reason_id: reasons[0]?.id,
      reason: reasons[0]?.text,
      comment: "Too pricey for us",
      customer_oid: "cus_123",
      subscription_oids: ["sub_1", "sub_2"],
      test_mode: true,
      install_check: false,
    });
    const stored = await server.storedEvents();
    expect(stored.at(-1)).toEqual(event);
  });

  it("accepts application/json as well as text/plain", async () => {
    const response = await post(answer({ test_mode: true }), "application/json");
    expect(response.statusCode).toBe(201);
  });

  it("answers CORS for any origin", async () => {
    const response = await server.app.inject({
      method: "OPTIONS",
      url: "/api/widget/events",
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
  });

  it("stores the same idempotency key once and replays the first event", async () => {
    const body = answer({ test_mode: true });
    const before = await eventCount();
    const first = await post(body);
    const second = await post({ ...body, comment: "changed my mind" });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect(second.json().event).toEqual(first.json().event);
    expect(await eventCount()).toBe(before + 1);
  });

  it("stores concurrent duplicates once", async () => {
    const body = answer({ test_mode: true });
    const before = await eventCount();
    const responses = await Promise.all(Array.from({ length: 8 }, () => post(body)));
    const ids = new Set(responses.map((r) => r.json().event.id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(await eventCount()).toBe(before + 1);
  });

  it("records a dismissal without reason or comment", async () => {
    const response = await post(
      answer({ kind: "dismissal", reason_id: undefined, test_mode: true }),
    );
    expect(response.statusCode).toBe(201);
    expect(response.json().event).toMatchObject({
      kind: "dismissal",
      reason_id: null,
      comment: null,
    });
  });

  it("records a skip (cancelled without answering) without reason or comment", async () => {
    const response = await post(answer({ kind: "skip", comment: "ignored", test_mode: true }));
    expect(response.statusCode).toBe(201);
    expect(response.json().event).toMatchObject({ kind: "skip", reason_id: null, comment: null });
  });

  it("flags the first live event as the install check, and only the first", async () => {
    const first = await post(answer());
    const second = await post(answer());
    expect(first.json().event.install_check).toBe(true);
    expect(second.json().event.install_check).toBe(false);
    const account = await server.database.db
      .selectFrom("accounts")
      .select(["install_event_id", "install_verified_at"])
      .where("id", "=", server.accountId)
      .executeTakeFirstOrThrow();
    expect(account.install_event_id).toBe(first.json().event.id);
    expect(account.install_verified_at).toBeInstanceOf(Date);
  });
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The account's test answers counted on one UTC day of the dashboard's daily rollups. */
async function rolledUpOn(day: string): Promise<number> {
  const { rows } = await sql<{ events: number }>`
    select coalesce(sum(events), 0)::integer as events from event_rollups_daily
    where account_id = ${server.accountId} and day = ${day}::date and test_mode
      and kind = 'answer'`.execute(server.database.db);
  return Number(rows[0]?.events);
}

describe("an answer the widget kept and sent again later (answered_ms_ago)", () => {
  it("is stored at the moment the customer answered, not when it arrived", async () => {
    const ago = 90 * MINUTE;
    const before = Date.now();
    const response = await post(answer({ test_mode: true, answered_ms_ago: ago }));
    const after = Date.now();
    expect(response.statusCode).toBe(201);
    const createdAt = Date.parse(response.json().event.created_at);
    expect(createdAt).toBeGreaterThanOrEqual(before - ago);
    expect(createdAt).toBeLessThanOrEqual(after - ago);
    expect((await server.storedEvents()).find((e) => e.id === response.json().event.id)).toEqual(
      response.json().event,
    );
  });

  it("is counted on the day it was given, not on the day it arrived", async () => {
    const given = new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    const [onGiven, onToday] = [await rolledUpOn(given), await rolledUpOn(today)];
    // Noon of that day: the test cannot straddle midnight into another day.
    const ago = Date.now() - Date.parse(`${given}T12:00:00Z`);
    const response = await post(answer({ test_mode: true, answered_ms_ago: ago }));
    expect(response.json().event.created_at.slice(0, 10)).toBe(given);
    expect(await rolledUpOn(given)).toBe(onGiven + 1);
    expect(await rolledUpOn(today)).toBe(onToday);
  });

  it("sent again after it was stored, it keeps the first time and is not stored twice", async () => {
    const body = answer({ test_mode: true });
    const first = await post(body);
    const before = await eventCount();
    const again = await post({ ...body, answered_ms_ago: 5 * MINUTE });
    expect(again.statusCode).toBe(200);
    expect(again.json().event).toEqual(first.json().event);
    expect(await eventCount()).toBe(before);
  });

  it("may be up to 7 days old", async () => {
    const response = await post(answer({ test_mode: true, answered_ms_ago: 7 * DAY }));
    expect(response.statusCode).toBe(201);
  });
});

describe("POST /api/widget/events refuses bad input and stores nothing", () => {
  const cases: Array<{
    name: string;
    body: () => unknown;
    contentType?: string;
    status: number;
    code: string;
    field?: string;
  }> = [
    {
      name: "missing customer_oid",
      body: () => answer({ customer_oid: undefined }),
      status: 400,
      code: "validation_error",
      field: "customer_oid",
    },
    {
      name: "customer_oid of the wrong type",
      body: () => answer({ customer_oid: 42 }),
      status: 400,
      code: "validation_error",
      field: "customer_oid",
    },
    {
      name: "empty customer_oid",
      body: () => answer({ customer_oid: "" }),
      status: 400,
      code: "validation_error",
      field: "customer_oid",
    },
    {
      name: "missing access_token_id",
      body: () => answer({ access_token_id: undefined }),
      status: 400,
      code: "validation_error",
      field: "access_token_id",
    },
    {
      name: "unknown access_token_id",
      body: () => answer({ access_token_id: "tok_doesnotexist" }),
      status: 403,
      code: "invalid_access_token",
      field: "access_token_id",
    },
    {
      name: "test_mode as a string",
      body: () => answer({ test_mode: "yes" }),
      status: 400,
      code: "validation_error",
      field: "test_mode",
    },
    {
      name: "subscription_oids not an array",
      body: () => answer({ subscription_oids: "sub_1" }),
      status: 400,
      code: "validation_error",
      field: "subscription_oids",
    },
    {
      name: "subscription_oids with a number",
      body: () => answer({ subscription_oids: ["sub_1", 7] }),
      status: 400,
      code: "validation_error",
      field: "subscription_oids[1]",
    },
    {
      name: "an answer without reason_id",
      body: () => answer({ reason_id: undefined }),
      status: 400,
      code: "validation_error",
      field: "reason_id",
    },
    {
      name: "a reason of no reason list",
      body: () => answer({ reason_id: "rsn_nope" }),
      status: 422,
      code: "unknown_reason",
      field: "reason_id",
    },
    {
      name: "an unknown kind",
      body: () => answer({ kind: "refund" }),
      status: 400,
      code: "validation_error",
      field: "kind",
    },
    {
      name: "a missing idempotency_key",
      body: () => answer({ idempotency_key: undefined }),
      status: 400,
      code: "validation_error",
      field: "idempotency_key",
    },
    {
      name: "an over-long comment",
      body: () => answer({ comment: "x".repeat(5001) }),
      status: 400,
      code: "validation_error",
      field: "comment",
    },
    {
      name: "a NUL character in the comment (Postgres text cannot hold one)",
      body: () => answer({ comment: "fine\u0000print" }),
      status: 400,
      code: "validation_error",
      field: "comment",
    },
    {
      name: "a NUL character in customer_oid",
      body: () => answer({ customer_oid: "cus\u0000" }),
      status: 400,
      code: "validation_error",
      field: "customer_oid",
    },
    {
      name: "a huge body",
      body: () => answer({ padding: "x".repeat(20_000) }),
      status: 413,
      code: "body_too_large",
    },
    {
      name: "answered_ms_ago older than the widget keeps answers (7 days)",
      body: () => answer({ answered_ms_ago: 7 * DAY + 1 }),
      status: 400,
      code: "validation_error",
      field: "answered_ms_ago",
    },
    {
      name: "answered_ms_ago in the future",
      body: () => answer({ answered_ms_ago: -1 }),
      status: 400,
      code: "validation_error",
      field: "answered_ms_ago",
    },
    {
      name: "answered_ms_ago as a date",
      body: () => answer({ answered_ms_ago: "2026-01-01T00:00:00Z" }),
      status: 400,
      code: "validation_error",
      field: "answered_ms_ago",
    },
    {
      name: "answered_ms_ago with a fraction",
      body: () => answer({ answered_ms_ago: 1.5 }),
      status: 400,
      code: "validation_error",
      field: "answered_ms_ago",
    },
    { name: "bad JSON", body: () => '{"access_token_id": ', status: 400, code: "invalid_json" },
    { name: "an empty body", body: () => "", status: 400, code: "invalid_json" },
    { name: "a JSON array", body: () => "[1,2]", status: 400, code: "validation_error" },
    {
      name: "a form-encoded body",
      body: () => "access_token_id=x&customer_oid=y",
      contentType: "application/x-www-form-urlencoded",
      status: 415,
      code: "unsupported_media_type",
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}: ${testCase.status} ${testCase.code}`, async () => {
      const before = await eventCount();
      const response = await post(testCase.body(), testCase.contentType);
      expect(response.statusCode).toBe(testCase.status);
      expect(response.headers["content-type"]).toMatch(/application\/json/);
      const { error } = response.json();
      expect(error.code).toBe(testCase.code);
      expect(error.message).toEqual(expect.any(String));
      if (testCase.field) {
        expect(error.field).toBe(testCase.field);
        expect(error.message).toContain(testCase.field.split("[")[0]);
      }
      expect(await eventCount()).toBe(before);
    });
  }

  it("a missing field is named in plain words", async () => {
    const response = await post(answer({ customer_oid: undefined }));
    expect(response.json().error).toMatchObject({
      field: "customer_oid",
      message: "customer_oid is required",
    });
  });

  it("a revoked token is refused", async () => {
    const tokens = createEmbedTokensRepository(server.database.db);
    const tokenId = await tokens.create(server.accountId, "to revoke");
    expect((await post(answer({ access_token_id: tokenId, test_mode: true }))).statusCode).toBe(
      201,
    );
    await tokens.revoke(server.accountId, tokenId);
    const before = await eventCount();
    const response = await post(answer({ access_token_id: tokenId }));
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("invalid_access_token");
    expect(await eventCount()).toBe(before);
  });
});

describe("verified customers", () => {
  it("when on, only a customer_oid_hash made with the account's secret is accepted", async () => {
    const db = server.database.db;
    await db
      .updateTable("accounts")
      .set({ verify_customers: true })
      .where("id", "=", server.accountId)
      .execute();
    // Sealed in the database: the repository opens it.
    const account = await server.app.repos.accounts.find(server.accountId);
    const secret = account?.customer_hash_secret ?? "";
    try {
      const hash = createHmac("sha256", secret).update("cus_123").digest("hex");
      const before = await eventCount();
      for (const bad of [undefined, "00", hash.replace(/^./, hash[0] === "a" ? "b" : "a")]) {
        const refused = await post(answer({ customer_oid_hash: bad, test_mode: true }));
        expect(refused.statusCode).toBe(403);
        expect(refused.json().error).toMatchObject({
          code: "invalid_customer_hash",
          field: "customer_oid_hash",
        });
      }
      expect(await eventCount()).toBe(before);
      const accepted = await post(answer({ customer_oid_hash: hash, test_mode: true }));
      expect(accepted.statusCode).toBe(201);
    } finally {
      await db
        .updateTable("accounts")
        .set({ verify_customers: false })
        .where("id", "=", server.accountId)
        .execute();
    }
  });
});

import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiKeysRepository } from "../../src/db/repositories/api-keys.js";
import { snapshot, storeEvent, V1, type V1Call, v1Client } from "../helpers/api.js";
import { createAccount, createUser, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let api: V1Call;
let reasonId: string;
let eventId: string;
/** Another account, with a reason and an event of its own. */
let other: { key: string; reasonId: string; eventId: string };

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  api = v1Client(server);
  reasonId = (await api("GET", "/reasons")).json().reasons[0].id;
  eventId = (
    await api("POST", "/events", { payload: { reason_id: reasonId, customer_oid: "cus_mine" } })
  ).json().event.id;

  const created = await createAccount(server, "Other Co");
  const otherApi = v1Client(server, created.secretKey);
  const otherReason = (await otherApi("GET", "/reasons")).json().reasons[0].id;
  const otherEvent = await otherApi("POST", "/events", {
    payload: { reason_id: otherReason, customer_oid: "cus_theirs", comment: "theirs" },
  });
  other = { key: created.secretKey, reasonId: otherReason, eventId: otherEvent.json().event.id };
});
afterAll(() => server.close());

let before: unknown;
beforeEach(async () => {
  before = await snapshot(server.database.db);
});
async function expectNothingChanged() {
  expect(await snapshot(server.database.db)).toEqual(before);
}

/** One request of each kind the API has, each of which would change data if allowed. */
const writes = (): Array<[InjectOptions["method"], string, unknown]> => [
  ["POST", "/reasons", { text: "Sneaky reason" }],
  ["PUT", `/reasons/${reasonId}`, { text: "Renamed" }],
  ["DELETE", `/reasons/${reasonId}`, undefined],
  ["POST", "/events", { reason_id: reasonId, customer_oid: "cus_sneaky" }],
  ["PUT", `/events/${eventId}`, { comment: "changed" }],
];
const reads = () => ["/reasons", `/reasons/${reasonId}`, "/events", `/events/${eventId}`];

describe("keys", () => {
  const cases: Array<{ name: string; authorization: () => Promise<string | undefined> }> = [
    { name: "no Authorization header", authorization: async () => undefined },
    { name: "another scheme", authorization: async () => `Basic ${btoa(`${server.secretKey}:`)}` },
    { name: "Bearer without a key", authorization: async () => "Bearer " },
    { name: "a made-up key", authorization: async () => "Bearer sk_madeUpmadeUpmadeUpmadeUp1234" },
    {
      name: "the embed token instead of the secret key",
      authorization: async () => `Bearer ${server.accessTokenId}`,
    },
    {
      name: "a revoked key",
      authorization: async () => {
        const keys = createApiKeysRepository(server.database.db);
        const { key, secret } = await keys.create(server.accountId, "Revoked");
        await keys.revoke(server.accountId, key.id);
        return `Bearer ${secret}`;
      },
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}: 401 on every route, WWW-Authenticate, nothing changed`, async () => {
      const authorization = await testCase.authorization();
      before = await snapshot(server.database.db);
      const headers = authorization === undefined ? {} : { authorization };
      const requests = [
        ...writes().map(([method, path, payload]) => ({ method, path, payload })),
        ...reads().map((path) => ({ method: "GET" as const, path, payload: undefined })),
      ];
      for (const { method, path, payload } of requests) {
        const response = await server.app.inject({
          method,
          url: `${V1}${path}`,
          headers,
          ...(payload === undefined ? {} : { payload: payload as InjectOptions["payload"] }),
        });
        expect(response.statusCode, `${method} ${path}`).toBe(401);
        expect(response.json().error.code).toBe("invalid_api_key");
        expect(response.headers["www-authenticate"]).toMatch(/^Bearer realm="Cancel Insights"/);
      }
      await expectNothingChanged();
    });
  }

  it("a key revoked in the dashboard stops working at once; its rotation works", async () => {
    await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
    const owner = await signIn(server, "owner@example.com");
    const base = `/api/accounts/${server.accountId}/api-keys`;
    const created = (await owner.request("POST", base, { name: "CI" })).json().api_key;
    const ci = v1Client(server, created.secret);
    expect((await ci("GET", "/reasons")).statusCode).toBe(200);

    const rotated = (await owner.request("POST", `${base}/${created.id}/rotate`)).json().api_key;
    expect((await ci("GET", "/reasons")).statusCode).toBe(401);
    const next = v1Client(server, rotated.secret);
    expect((await next("GET", "/reasons")).statusCode).toBe(200);

    expect((await owner.request("DELETE", `${base}/${rotated.id}`)).statusCode).toBe(200);
    before = await snapshot(server.database.db);
    const refused = await next("POST", "/events", {
      payload: { reason_id: reasonId, customer_oid: "cus_after_revoke" },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["www-authenticate"]).toContain('error="invalid_token"');
    await expectNothingChanged();
  });
});

describe("another account's ids", () => {
  it("are 404 to read, update and delete, and nothing of theirs changes", async () => {
    const attempts: Array<[InjectOptions["method"], string, unknown]> = [
      ["GET", `/reasons/${other.reasonId}`, undefined],
      ["PUT", `/reasons/${other.reasonId}`, { text: "Hijacked" }],
      ["DELETE", `/reasons/${other.reasonId}`, undefined],
      ["GET", `/events/${other.eventId}`, undefined],
      ["PUT", `/events/${other.eventId}`, { comment: "hijacked" }],
      ["PUT", `/events/${other.eventId}`, { reason_id: reasonId }],
    ];
    for (const [method, path, payload] of attempts) {
      const response = await api(method, path, { payload });
      expect(response.statusCode, `${method} ${path}`).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
    await expectNothingChanged();
  });

  it("their reason cannot be given to my event (422), nor lists theirs", async () => {
    const created = await api("POST", "/events", {
      payload: { reason_id: other.reasonId, customer_oid: "cus_mine" },
    });
    expect(created.statusCode).toBe(422);
    expect(created.json().error).toMatchObject({ code: "unknown_reason", field: "reason_id" });
    const updated = await api("PUT", `/events/${eventId}`, {
      payload: { reason_id: other.reasonId },
    });
    expect(updated.statusCode).toBe(422);
    await expectNothingChanged();

    const listed = await api("GET", `/events?reason_id=${other.reasonId}`);
    expect(listed.json().events).toEqual([]);
    const theirs = await api("GET", "/events?customer_oid=cus_theirs");
    expect(theirs.json().meta.pagination.total).toBe(0);
    // And their key sees only theirs.
    const mine = await v1Client(server, other.key)("GET", `/events/${eventId}`);
    expect(mine.statusCode).toBe(404);
  });
});

describe("malformed requests: 400 naming the field, nothing changed", () => {
  const long = "x".repeat(5001);
  // Paths and payloads are functions: the ids exist only once beforeAll has run.
  const bodies: Array<[string, InjectOptions["method"], () => string, () => unknown, string]> = [
    ["reason without text", "POST", () => "/reasons", () => ({}), "text"],
    ["reason with empty text", "POST", () => "/reasons", () => ({ text: "" }), "text"],
    ["reason with blank text", "POST", () => "/reasons", () => ({ text: "   " }), "text"],
    ["reason text a number", "POST", () => "/reasons", () => ({ text: 5 }), "text"],
    ["reason text too long", "POST", () => "/reasons", () => ({ text: "x".repeat(201) }), "text"],
    [
      "sort_key not an integer",
      "POST",
      () => "/reasons",
      () => ({ text: "A", sort_key: 1.5 }),
      "sort_key",
    ],
    [
      "sort_key a string",
      "PUT",
      () => `/reasons/${reasonId}`,
      () => ({ sort_key: "1" }),
      "sort_key",
    ],
    ["reason changes empty", "PUT", () => `/reasons/${reasonId}`, () => ({}), ""],
    [
      "event without reason_id",
      "POST",
      () => "/events",
      () => ({ customer_oid: "c" }),
      "reason_id",
    ],
    [
      "event without customer_oid",
      "POST",
      () => "/events",
      () => ({ reason_id: reasonId }),
      "customer_oid",
    ],
    [
      "customer_oid a number",
      "POST",
      () => "/events",
      () => ({ reason_id: reasonId, customer_oid: 42 }),
      "customer_oid",
    ],
    [
      "comment longer than the widget's limit",
      "POST",
      () => "/events",
      () => ({ reason_id: reasonId, customer_oid: "c", comment: long }),
      "comment",
    ],
    [
      "subscription_oids not a list",
      "POST",
      () => "/events",
      () => ({ reason_id: reasonId, customer_oid: "c", subscription_oids: "sub_1" }),
      "subscription_oids",
    ],
    [
      "too many subscription_oids",
      "POST",
      () => "/events",
      () => ({ reason_id: reasonId, customer_oid: "c", subscription_oids: Array(51).fill("s") }),
      "subscription_oids",
    ],
    [
      "test_mode a string",
      "POST",
      () => "/events",
      () => ({ reason_id: reasonId, customer_oid: "c", test_mode: "yes" }),
      "test_mode",
    ],
    ["event changes empty", "PUT", () => `/events/${eventId}`, () => ({}), ""],
    [
      "event comment too long",
      "PUT",
      () => `/events/${eventId}`,
      () => ({ comment: long }),
      "comment",
    ],
    ["a JSON array", "POST", () => "/events", () => [1, 2], ""],
  ];

  for (const [name, method, path, payload, field] of bodies) {
    it(`${name}${field ? `: field ${field}` : ""}`, async () => {
      const response = await api(method, path(), { payload: payload() });
      expect(response.statusCode).toBe(400);
      const { error } = response.json();
      expect(error.code).toBe("validation_error");
      if (field) expect(error.field).toBe(field);
      await expectNothingChanged();
    });
  }

  const raw: Array<[string, string, string, number, string]> = [
    ["bad JSON", "application/json", '{"text": ', 400, "invalid_json"],
    ["an empty JSON body", "application/json", "", 400, "invalid_json"],
    ["text/plain", "text/plain", '{"text": "Plain"}', 415, "unsupported_media_type"],
    ["a form", "application/x-www-form-urlencoded", "text=Form", 415, "unsupported_media_type"],
  ];
  for (const [name, contentType, payload, status, code] of raw) {
    it(`${name}: ${status} ${code}`, async () => {
      for (const [method, path] of [
        ["POST", "/reasons"],
        ["PUT", `/reasons/${reasonId}`],
        ["POST", "/events"],
        ["PUT", `/events/${eventId}`],
      ] as const) {
        const response = await api(method, path, {
          payload,
          headers: { "content-type": contentType },
        });
        expect(response.statusCode, `${method} ${path}`).toBe(status);
        expect(response.json().error.code).toBe(code);
      }
      await expectNothingChanged();
    });
  }

  const queries: Array<[string, string]> = [
    ["/events?per_page=0", "per_page"],
    [`/events?per_page=201`, "per_page"],
    ["/events?per_page=ten", "per_page"],
    ["/events?page=-1", "page"],
    ["/events?start_date=2024-13-45", "start_date"],
    ["/events?end_date=yesterday", "end_date"],
    ["/events?test_mode=maybe", "test_mode"],
    ["/events?kind=refund", "kind"],
    [`/events?${Array.from({ length: 101 }, (_, i) => `reason_id=r${i}`).join("&")}`, "reason_id"],
    ["/events?cursor=bm90LWEtY3Vyc29y", "cursor"],
    ["/events?cursor=abc&page=1", "cursor"],
    ["/reasons?per_page=1000", "per_page"],
    ["/reasons?include_archived=perhaps", "include_archived"],
  ];
  for (const [path, field] of queries) {
    it(`GET ${path.slice(0, 60)}: field ${field}`, async () => {
      const response = await api("GET", path);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: "validation_error", field });
    });
  }
});

describe("requests that cannot be done", () => {
  it("an archived reason is refused for new events (422 unknown_reason)", async () => {
    const reason = (await api("POST", "/reasons", { payload: { text: "Soon archived" } })).json()
      .reason;
    expect((await api("DELETE", `/reasons/${reason.id}`)).statusCode).toBe(202);
    before = await snapshot(server.database.db);
    const refused = await api("POST", "/events", {
      payload: { reason_id: reason.id, customer_oid: "cus_archived" },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: "unknown_reason", field: "reason_id" });
    const moved = await api("PUT", `/events/${eventId}`, { payload: { reason_id: reason.id } });
    expect(moved.statusCode).toBe(422);
    const unknown = await api("POST", "/events", {
      payload: { reason_id: "rsn_nope", customer_oid: "cus_archived" },
    });
    expect(unknown.statusCode).toBe(422);
    await expectNothingChanged();
  });

  it("a reason text used by another active reason: 409 reason_exists", async () => {
    const [first, second] = (await api("GET", "/reasons")).json().reasons;
    const created = await api("POST", "/reasons", {
      payload: { text: ` ${first.text.toUpperCase()}` },
    });
    expect(created.statusCode).toBe(409);
    expect(created.json().error).toMatchObject({ code: "reason_exists", field: "text" });
    const renamed = await api("PUT", `/reasons/${second.id}`, { payload: { text: first.text } });
    expect(renamed.statusCode).toBe(409);
    await expectNothingChanged();
  });

  it("a dismissal takes no reason (409); a skip needs one and then becomes an answer", async () => {
    const db = server.database.db;
    const dismissal = await storeEvent(db, {
      account_id: server.accountId,
      id: "evt_refusals_dismissal",
      kind: "dismissal",
    });
    const skip = await storeEvent(db, {
      account_id: server.accountId,
      id: "evt_refusals_skip",
      kind: "skip",
    });
    before = await snapshot(db);
    const refused = await api("PUT", `/events/${dismissal.id}`, {
      payload: { reason_id: reasonId },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe("event_not_cancellation");
    const commentOnly = await api("PUT", `/events/${skip.id}`, { payload: { comment: "hm" } });
    expect(commentOnly.statusCode).toBe(400);
    expect(commentOnly.json().error.field).toBe("reason_id");
    await expectNothingChanged();

    const answered = await api("PUT", `/events/${skip.id}`, {
      payload: { reason_id: reasonId, comment: "Told support later." },
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.json().event).toMatchObject({
      kind: "answer",
      reason_id: reasonId,
      comment: "Told support later.",
    });
  });

  it("unknown ids: 404 with the error JSON", async () => {
    for (const path of ["/reasons/rsn_nope", "/events/evt_nope"]) {
      const response = await api("GET", path);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
    expect((await api("DELETE", "/reasons/rsn_nope")).statusCode).toBe(404);
    await expectNothingChanged();
  });
});

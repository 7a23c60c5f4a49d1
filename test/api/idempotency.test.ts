import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshot, type V1Call, v1Client } from "../helpers/api.js";
import { createAccount } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let api: V1Call;
let reasonId: string;
let counter = 0;

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  api = v1Client(server);
  reasonId = (await api("GET", "/reasons")).json().reasons[0].id;
});
afterAll(() => server.close());

function newKey(): string {
  counter++;
  return `idem-${counter}-${crypto.randomUUID()}`;
}

function postEvent(key: string, payload: Record<string, unknown>, call = api) {
  return call("POST", "/events", {
    payload: { reason_id: reasonId, ...payload },
    headers: { "idempotency-key": key },
  });
}

async function eventsOf(customerOid: string) {
  return (await server.storedEvents()).filter((e) => e.customer_oid === customerOid);
}

describe("Idempotency-Key on POST", () => {
  it("the same key and body replays the first reply and stores nothing new", async () => {
    const key = newKey();
    const first = await postEvent(key, { customer_oid: "cus_retry", comment: "once" });
    expect(first.statusCode).toBe(200);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const before = await snapshot(server.database.db);

    // Retried, with the same fields in another order.
    const retry = await api("POST", "/events", {
      payload: { comment: "once", customer_oid: "cus_retry", reason_id: reasonId },
      headers: { "idempotency-key": key },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.json()).toEqual(first.json());
    expect(await snapshot(server.database.db)).toEqual(before);
    expect(await eventsOf("cus_retry")).toHaveLength(1);
  });

  it("works for reasons too", async () => {
    const key = newKey();
    const send = () =>
      api("POST", "/reasons", {
        payload: { text: "Created once" },
        headers: { "idempotency-key": key },
      });
    const first = await send();
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const reasons = (await api("GET", "/reasons")).json().reasons;
    expect(reasons.filter((r: { text: string }) => r.text === "Created once")).toHaveLength(1);
  });

  it("the same key with another body is refused (422) and nothing is stored", async () => {
    const key = newKey();
    expect((await postEvent(key, { customer_oid: "cus_conflict" })).statusCode).toBe(200);
    const before = await snapshot(server.database.db);
    const conflicts = [
      () => postEvent(key, { customer_oid: "cus_conflict", comment: "now with a comment" }),
      () => postEvent(key, { customer_oid: "cus_someone_else" }),
      // Another endpoint is another request.
      () =>
        api("POST", "/reasons", {
          payload: { text: "Same key" },
          headers: { "idempotency-key": key },
        }),
    ];
    for (const send of conflicts) {
      const response = await send();
      expect(response.statusCode).toBe(422);
      expect(response.json().error).toMatchObject({
        code: "idempotency_key_reused",
        field: "idempotency-key",
      });
    }
    expect(await snapshot(server.database.db)).toEqual(before);
  });

  it("a failed request stores nothing: the key can be used once the request is fixed", async () => {
    const key = newKey();
    const failed = await postEvent(key, { customer_oid: "cus_fixed", reason_id: "rsn_typo" });
    expect(failed.statusCode).toBe(422);
    const fixed = await postEvent(key, { customer_oid: "cus_fixed" });
    expect(fixed.statusCode).toBe(200);
    expect(await eventsOf("cus_fixed")).toHaveLength(1);
  });

  it("without a key, each POST is a new event", async () => {
    for (let i = 0; i < 2; i++) {
      const response = await api("POST", "/events", {
        payload: { reason_id: reasonId, customer_oid: "cus_no_key" },
      });
      expect(response.statusCode).toBe(200);
    }
    expect(await eventsOf("cus_no_key")).toHaveLength(2);
  });

  it("keys belong to an account: another account's same key is its own", async () => {
    const key = newKey();
    const other = await createAccount(server, "Other Co");
    const otherApi = v1Client(server, other.secretKey);
    const otherReason = (await otherApi("GET", "/reasons")).json().reasons[0].id;
    expect((await postEvent(key, { customer_oid: "cus_shared_key" })).statusCode).toBe(200);
    const theirs = await postEvent(
      key,
      { customer_oid: "cus_shared_key", reason_id: otherReason },
      otherApi,
    );
    expect(theirs.statusCode).toBe(200);
    expect(theirs.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("concurrent retries with one key store one event", async () => {
    const key = newKey();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => postEvent(key, { customer_oid: "cus_concurrent" })),
    );
    expect(replies.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(replies.map((r) => r.json().event.id)).size).toBe(1);
    expect(await eventsOf("cus_concurrent")).toHaveLength(1);
  });

  it("a key is kept a day: after that the same key makes a new event", async () => {
    const key = newKey();
    const first = await postEvent(key, { customer_oid: "cus_next_day" });
    await sql`update api_idempotency_keys set created_at = now() - interval '25 hours'
      where key = ${key}`.execute(server.database.db);
    const later = await postEvent(key, { customer_oid: "cus_next_day" });
    expect(later.statusCode).toBe(200);
    expect(later.json().event.id).not.toBe(first.json().event.id);
    expect(await eventsOf("cus_next_day")).toHaveLength(2);
  });

  it("a key longer than 255 characters is a 400 naming the header", async () => {
    const before = await snapshot(server.database.db);
    const response = await postEvent("k".repeat(256), { customer_oid: "cus_long_key" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "validation_error",
      field: "idempotency-key",
    });
    expect(await snapshot(server.database.db)).toEqual(before);
  });
});

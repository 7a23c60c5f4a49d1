import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/db/ids.js";
import type { NewEvent } from "../../src/db/schema.js";
import { postWidgetEvent } from "../helpers/api.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let owner: Client;
let base: string;
let reasons: Array<{ id: string; text: string }>;

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "owner@example.com");
  base = `/api/accounts/${server.accountId}`;
  reasons = (await owner.request("GET", `${base}/reasons`)).json().reasons;
  const event = (at: string, extra: Partial<NewEvent>): NewEvent => ({
    account_id: server.accountId,
    id: newId("evt"),
    kind: "answer",
    source: "widget",
    reason_id: null,
    reason_text: null,
    comment: null,
    customer_oid: "cus_a",
    subscription_oids: [],
    test_mode: false,
    idempotency_key: null,
    locale: null,
    mrr_amount: 4900,
    mrr_currency: "usd",
    created_at: new Date(at),
    ...extra,
  });
  const [expensive, features] = reasons;
  await server.database.db
    .insertInto("events")
    .values([
      event("2026-05-02T10:00:00Z", {
        reason_id: expensive?.id,
        reason_text: expensive?.text,
        comment: "Way too expensive for a team of three",
        plan: "Starter",
      }),
      event("2026-05-03T10:00:00Z", {
        reason_id: features?.id,
        reason_text: features?.text,
        comment: "=cmd|' /C calc'!A0",
        customer_oid: "cus_b",
        plan: "Pro",
        mrr_amount: 19900,
      }),
      event("2026-05-04T10:00:00Z", {
        reason_id: features?.id,
        reason_text: features?.text,
        comment: "Fehlende Schnittstelle zu DATEV",
        customer_oid: "cus_b",
        plan: "Pro",
        mrr_amount: 19900,
      }),
      event("2026-05-05T10:00:00Z", { kind: "skip", customer_oid: "cus_c", plan: "Pro" }),
      event("2026-05-06T10:00:00Z", {
        reason_id: expensive?.id,
        reason_text: expensive?.text,
        comment: "test data",
        test_mode: true,
      }),
    ])
    .execute();
});
afterAll(() => server.close());

describe("GET /insights", () => {
  it("gives the period's totals, the previous period and the reasons ranked", async () => {
    const response = await owner.request("GET", `${base}/insights?from=2026-05-01&to=2026-05-31`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.previous).toEqual({ from: "2026-03-31", to: "2026-04-30" });
    expect(body.current).toEqual({
      cancellations: 4,
      answers: 3,
      skips: 1,
      dismissals: 0,
      coverage: 0.75,
      // cus_b answered twice about one cancellation: its MRR counts once.
      lost_mrr: [{ amount: 4900 + 19900 + 4900, currency: "usd" }],
      // No reporting currency set: no converted total.
      lost_mrr_converted: null,
    });
    expect(body.previous_totals.cancellations).toBe(0);
    expect(body.reasons[0]).toMatchObject({ reason_id: reasons[1]?.id, answers: 2 });
    expect(body.plans).toEqual(["Pro", "Starter"]);
  });

  it("filters by plan, reason and test data", async () => {
    const get = async (query: string) =>
      (await owner.request("GET", `${base}/insights?from=2026-05-01&to=2026-05-31&${query}`)).json()
        .current;
    expect((await get("plan=Pro")).cancellations).toBe(3);
    expect((await get(`reason_id=${reasons[0]?.id}`)).answers).toBe(1);
    expect((await get(`reason_id=${reasons[0]?.id}&reason_id=${reasons[1]?.id}`)).answers).toBe(3);
    expect((await get("include_test=true")).answers).toBe(4);
  });

  it("refuses a range that ends before it starts, naming the field", async () => {
    const response = await owner.request("GET", `${base}/insights?from=2026-05-31&to=2026-05-01`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "validation_error", field: "to" });
    const bad = await owner.request("GET", `${base}/insights?from=yesterday&to=2026-05-01`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe("from");
  });

  it("trend by week", async () => {
    const response = await owner.request(
      "GET",
      `${base}/insights/trend?from=2026-05-01&to=2026-05-31&interval=week`,
    );
    // Weeks start on Monday: May 4th opens the second one.
    const points = response.json().points;
    expect(points).toHaveLength(3);
    expect(points).toEqual(
      expect.arrayContaining([
        { bucket: "2026-04-27", reason_id: reasons[0]?.id, answers: 1, mrr: 4900 },
        { bucket: "2026-04-27", reason_id: reasons[1]?.id, answers: 1, mrr: 19900 },
        { bucket: "2026-05-04", reason_id: reasons[1]?.id, answers: 1, mrr: 19900 },
      ]),
    );
  });
});

describe("GET /events", () => {
  it("finds comments by word prefix, in any language", async () => {
    const search = async (q: string) =>
      (await owner.request("GET", `${base}/events?q=${encodeURIComponent(q)}`)).json().events;
    expect((await search("expens")).map((e: { customer_oid: string }) => e.customer_oid)).toEqual([
      "cus_a",
    ]);
    expect(await search("datev schnitt")).toHaveLength(1);
    // Query syntax is not ours to parse: it is only words.
    expect(await search("!&|:*()'")).toHaveLength(4);
  });

  it("pages newest first with a cursor, and lists one customer's events", async () => {
    const first = (await owner.request("GET", `${base}/events?limit=2`)).json();
    expect(first.events.map((e: { created_at: string }) => e.created_at)).toEqual([
      "2026-05-05T10:00:00.000Z",
      "2026-05-04T10:00:00.000Z",
    ]);
    const second = (
      await owner.request("GET", `${base}/events?limit=2&cursor=${first.next_cursor}`)
    ).json();
    expect(second.events).toHaveLength(2);
    expect(second.next_cursor).toBeNull();
    const customer = (await owner.request("GET", `${base}/events?customer_oid=cus_b`)).json();
    expect(customer.events).toHaveLength(2);
    const bad = await owner.request("GET", `${base}/events?cursor=nonsense`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe("cursor");
  });
});

describe("reasons editor", () => {
  it("adds, renames (history kept), reorders, archives and restores", async () => {
    const created = await owner.request("POST", `${base}/reasons`, { text: "Too slow" });
    expect(created.statusCode).toBe(201);
    const id = created.json().reason.id;
    const duplicate = await owner.request("POST", `${base}/reasons`, { text: " too SLOW " });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({ code: "reason_exists", field: "text" });

    const expensive = reasons[0]?.id ?? "";
    const renamed = await owner.request("PATCH", `${base}/reasons/${expensive}`, {
      text: "Price too high",
    });
    expect(renamed.json().reason).toMatchObject({ text: "Price too high", answers_total: 1 });
    const old = (await owner.request("GET", `${base}/events?q=team`)).json().events[0];
    expect(old.reason).toBe("Too expensive");
    const widget = await server.app.inject({
      url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
    });
    expect(widget.json().reasons[0].text).toBe("Price too high");

    const active = (await owner.request("GET", `${base}/reasons`)).json().reasons;
    const ids = active.map((r: { id: string }) => r.id).reverse();
    const reordered = await owner.request("PUT", `${base}/reasons/order`, { ids });
    expect(reordered.statusCode).toBe(200);
    expect(reordered.json().reasons.map((r: { id: string }) => r.id)).toEqual(ids);
    const incomplete = await owner.request("PUT", `${base}/reasons/order`, { ids: ids.slice(1) });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().error.field).toBe("ids");

    await owner.request("PATCH", `${base}/reasons/${id}`, { archived: true });
    const config = await server.app.inject({
      url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
    });
    expect(config.json().reasons.map((r: { id: string }) => r.id)).not.toContain(id);
    const listed = (await owner.request("GET", `${base}/reasons`)).json().reasons;
    expect(listed.at(-1)).toMatchObject({ id, archived: true });
    const restored = await owner.request("PATCH", `${base}/reasons/${id}`, { archived: false });
    expect(restored.json().reason.archived).toBe(false);

    const empty = await owner.request("PATCH", `${base}/reasons/${id}`, {});
    expect(empty.statusCode).toBe(400);
    const blank = await owner.request("POST", `${base}/reasons`, { text: "   " });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.field).toBe("text");
  });
});

describe("GET /setup", () => {
  it("gives the snippet and turns the install check on with the first live event", async () => {
    const before = (await owner.request("GET", `${base}/setup`)).json();
    expect(before.access_token_id).toBe(server.accessTokenId);
    expect(before.snippet).toContain(`access_token_id: "${server.accessTokenId}"`);
    expect(before.install_verified_at).toBeNull();
    const stored = await postWidgetEvent(server, {
      access_token_id: server.accessTokenId,
      customer_oid: "cus_install",
      reason_id: reasons[0]?.id,
      idempotency_key: "install-check-1",
    });
    const after = (await owner.request("GET", `${base}/setup`)).json();
    expect(after.install_verified_at).toEqual(expect.any(String));
    expect(after.install_event.id).toBe(stored.json().event.id);
  });
});

describe("GET /export", () => {
  it("downloads CSV with formulas defused, and JSON", async () => {
    const csv = await owner.request("GET", `${base}/export?format=csv&customer_oid=cus_b`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toMatch(/^attachment; filename=".+\.csv"$/);
    const lines = csv.body.trim().split("\n");
    expect(lines[0]).toMatch(/^id,created_at,kind/);
    expect(lines).toHaveLength(3);
    expect(csv.body).toContain(",'=cmd|' /C calc'!A0,");
    const json = await owner.request("GET", `${base}/export?format=json`);
    const events = JSON.parse(json.body);
    expect(events).toHaveLength(5);
    expect(events[0]).toHaveProperty("customer_oid");
    expect(events[0]).toHaveProperty("customer.oid", events[0].customer_oid);
  });
});

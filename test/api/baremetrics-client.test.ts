import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeEvent } from "../helpers/api.js";
import { shapeGaps } from "../helpers/json-shape.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * A client written the way one is written against Baremetrics' documented API: plain
 * fetch, their paths, their request fields, their envelopes, over real HTTP.
 */
let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  base = `${server.url}/v1/cancellation_insights`;
});
afterAll(() => server.close());

interface Reply {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a client reads whatever JSON comes back
  body: any;
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${server.secretKey}`,
      Accept: "application/json",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: text === "" ? null : JSON.parse(text),
    headers: response.headers,
  };
}

/** One operation as Baremetrics documents it: test/fixtures/baremetrics-api/README.md. */
interface Documented {
  operation: string;
  method: string;
  path: string;
  request?: { content_type: string; schema: { properties: object; required?: string[] } };
  /** The documented example reply of each status; "" is a reply without a body. */
  responses: Record<string, unknown>;
}

function documented(name: string): Documented {
  const file = new URL(`../fixtures/baremetrics-api/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(file, "utf8"));
}

/**
 * The fields of Baremetrics' event that come from the billing data it syncs from the
 * provider (the customer's name, email and lifetime value; each subscription's MRR and
 * dates). We keep no billing data yet, so we cannot fill them truthfully, and leave them
 * out rather than send made-up values of the documented types. Compared exactly: a field
 * filled one day must leave this list.
 */
const BILLING_FIELDS_WE_LACK = [
  ...["source_id", "source", "canceled_at", "started_at", "processed", "active"]
    .concat(["quantity", "discount", "mrr", "add_on_mrr", "plan"])
    .map((field) => `.subscriptions[].${field}: missing`),
  ...["source_id", "source", "created", "email", "name", "display_image", "display_name"]
    .concat(["notes", "ltv"])
    .map((field) => `.customer.${field}: missing`),
];

describe("Baremetrics' published examples, replayed", () => {
  const validator = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  /** A value for each request field Baremetrics documents; ids come from earlier replies. */
  const values: Record<string, unknown> = {
    comment: "Too pricey for a team of two.",
    customer_oid: "cus_NffrFeUfNV2Hib",
    subscription_oids: ["sub_1MowQVLkdIwHu7ix"],
    text: "Technical issues",
    sort_key: 0,
  };
  const ids: Record<string, string> = {};

  /**
   * Sends the documented request, every documented field filled and nothing else, checks
   * it against the documented schema, and returns the gaps between our reply and the
   * documented example of the same status.
   */
  async function replay(name: string, query = ""): Promise<{ reply: Reply; gaps: string[] }> {
    const doc = documented(name);
    let body: Record<string, unknown> | undefined;
    if (doc.request) {
      const fields = Object.keys(doc.request.schema.properties);
      body = Object.fromEntries(fields.map((field) => [field, values[field]]));
      expect(fields.filter((field) => values[field] === undefined)).toEqual([]);
      const validate = validator.compile(doc.request.schema);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    }
    const path = doc.path.replace("/v1/cancellation_insights", "");
    const reply = await call(doc.method, path.replace("{id}", ids[path] ?? "") + query, body);
    const [status, example] = Object.entries(doc.responses)[0] ?? [];
    expect(reply.status, reply.text).toBe(Number(status));
    if (example === "") return { reply, gaps: reply.text === "" ? [] : ["$: a body"] };
    return { reply, gaps: shapeGaps(example, reply.body) };
  }

  /** Gaps of an event reply, relative to the event (`$.event` or `$.events[]`). */
  const eventGaps = (gaps: string[]) => gaps.map((gap) => gap.replace(/^\$\.events?(\[\])?/, ""));

  it("POST /reasons (Create Reason)", async () => {
    const { reply, gaps } = await replay("reasons-create");
    expect(gaps).toEqual([]);
    values.reason_id = reply.body.reason.id;
    ids["/reasons/{id}"] = reply.body.reason.id;
  });

  it("GET /reasons/{id} (Show Reason)", async () => {
    expect((await replay("reasons-show")).gaps).toEqual([]);
  });

  it("PUT /reasons/{id} (Update Reason)", async () => {
    expect((await replay("reasons-update")).gaps).toEqual([]);
  });

  it("POST /events (Create Event)", async () => {
    const { reply, gaps } = await replay("events-create");
    expect(eventGaps(gaps)).toEqual(BILLING_FIELDS_WE_LACK);
    ids["/events/{id}"] = reply.body.event.id;
  });

  it("GET /events/{id} (Show Event)", async () => {
    expect(eventGaps((await replay("events-show")).gaps)).toEqual(BILLING_FIELDS_WE_LACK);
  });

  it("PUT /events/{id} (Update Event)", async () => {
    expect(eventGaps((await replay("events-update")).gaps)).toEqual(BILLING_FIELDS_WE_LACK);
  });

  it("GET /events (List Events), paged as Baremetrics' pagination section says", async () => {
    // Another, newer event, so that a page of one has more after it, as in the example.
    const other = await call("POST", "/events", {
      reason_id: values.reason_id,
      customer_oid: "cus_other",
      subscription_oids: values.subscription_oids,
    });
    expect(other.status, other.text).toBe(200);
    const { reply, gaps } = await replay("events-list", "?page=0&per_page=1");
    expect(eventGaps(gaps)).toEqual(BILLING_FIELDS_WE_LACK);
    expect(reply.body.meta.pagination).toMatchObject({ has_more: true, page: 0, per_page: 1 });
  });

  it("DELETE /reasons/{id} (Delete Reason)", async () => {
    expect((await replay("reasons-delete")).gaps).toEqual([]);
  });

  it.each(["reasons-create", "reasons-update", "events-create"])(
    "%s without the fields the docs require: 400, as documented",
    async (name) => {
      const doc = documented(name);
      expect(doc.request?.schema.required?.length).toBeGreaterThan(0);
      const path = doc.path.replace("/v1/cancellation_insights", "");
      const reply = await call(doc.method, path.replace("{id}", ids[path] ?? ""), {});
      expect(reply.status).toBe(400);
      expect(shapeGaps(doc.responses["400"], reply.body)).toEqual([]);
    },
  );
});

async function createReason(text: string): Promise<string> {
  const created = await call("POST", "/reasons", { text });
  expect(created.status).toBe(200);
  return created.body.reason.id;
}

async function recordEvent(fields: Record<string, unknown>) {
  const recorded = await call("POST", "/events", fields);
  expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
  return recorded.body.event;
}

describe("a Baremetrics client, unchanged but for the host", () => {
  it("creates a reason and records an event for a customer: what was sent comes back", async () => {
    const created = await call("POST", "/reasons", { text: "Price went up", sort_key: 5 });
    expect(created.status).toBe(200);
    expect(created.body.reason).toMatchObject({ text: "Price went up", sort_key: 5 });
    const reasonId = created.body.reason.id;

    const before = Math.floor(Date.now() / 1000);
    const event = await recordEvent({
      reason_id: reasonId,
      comment: "  Too pricey for a team of two.  ",
      customer_oid: "cus_42",
      subscription_oids: ["sub_1", "sub_2"],
    });
    // Baremetrics' event fields...
    expect(event).toMatchObject({
      comment: "Too pricey for a team of two.",
      reason: { id: reasonId, text: "Price went up" },
      customer: { oid: "cus_42" },
      subscriptions: [{ oid: "sub_1" }, { oid: "sub_2" }],
    });
    expect(event.created_at).toBeGreaterThanOrEqual(before);
    expect(event.created_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    // ...and ours.
    expect(event).toMatchObject({
      kind: "answer",
      source: "api",
      reason_id: reasonId,
      reason_text: "Price went up",
      customer_oid: "cus_42",
      subscription_oids: ["sub_1", "sub_2"],
      test_mode: false,
      install_check: false,
    });
    expect(Math.floor(Date.parse(event.created_at_iso) / 1000)).toBe(event.created_at);

    const shown = await call("GET", `/events/${event.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ event });

    const reason = await call("GET", `/reasons/${reasonId}`);
    expect(reason.body.reason).toMatchObject({ id: reasonId, text: "Price went up", sort_key: 5 });
    expect(reason.body.reason.archived).toBe(false);
  });

  it("an event from the API is never the install check: the widget's first answer still is", async () => {
    const account = await server.database.db
      .selectFrom("accounts")
      .select(["install_verified_at", "install_event_id"])
      .where("id", "=", server.accountId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ install_verified_at: null, install_event_id: null });
    expect((await server.storedEvents()).every((e) => !e.install_check)).toBe(true);
  });

  it("lists events newest first, filtered, a page at a time", async () => {
    const pricey = await createReason("Pricey (list test)");
    const buggy = await createReason("Buggy (list test)");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const event = await recordEvent({
        reason_id: i % 2 ? buggy : pricey,
        customer_oid: i < 3 ? "cus_list_a" : "cus_list_b",
      });
      ids.push(event.id);
    }
    const testEvent = await recordEvent({
      reason_id: pricey,
      customer_oid: "cus_list_a",
      test_mode: true,
    });

    // Newest first; events of the same millisecond by id: the order the database keeps.
    const stored = (await server.storedEvents()).reverse();
    const newestFirst = (ofIds: string[]) =>
      stored.filter((e) => ofIds.includes(e.id)).map((e) => e.id);
    const idsOf = (reply: Reply) => reply.body.events.map((e: { id: string }) => e.id);

    const ofA = await call("GET", "/events?customer_oid=cus_list_a");
    expect(idsOf(ofA)).toEqual(newestFirst(ids.slice(0, 3)));
    expect(ofA.body.meta.pagination).toMatchObject({ page: 0, total: 3, has_more: false });

    const byReason = await call("GET", `/events?reason_id=${buggy}`);
    expect(idsOf(byReason)).toEqual(newestFirst([ids[1], ids[3]] as string[]));
    const both = await call("GET", `/events?reason_id=${buggy}&reason_id=${pricey}`);
    expect(both.body.meta.pagination.total).toBe(5);

    const tests = await call("GET", "/events?test_mode=true");
    expect(idsOf(tests)).toEqual([testEvent.id]);

    // Pages of 2 from 0: every live event of the account once, newest first, then no more.
    const seen: string[] = [];
    for (let page = 0; ; page++) {
      const listed = await call("GET", `/events?per_page=2&page=${page}`);
      expect(listed.status).toBe(200);
      const { pagination } = listed.body.meta;
      expect(pagination).toMatchObject({ page, per_page: 2 });
      expect(listed.body.events.length).toBeLessThanOrEqual(2);
      seen.push(...idsOf(listed));
      if (!pagination.has_more) break;
    }
    const live = stored.filter((e) => !e.test_mode);
    expect(seen).toEqual(live.map((e) => e.id));
    const first = await call("GET", "/events?per_page=2");
    expect(first.body.meta.pagination.total).toBe(live.length);

    // The same walk by cursor.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const listed = await call("GET", `/events?per_page=2${query}`);
      expect(listed.status).toBe(200);
      walked.push(...idsOf(listed));
      cursor = listed.body.meta.pagination.next_cursor;
      if (walked.length > 2) expect(listed.body.meta.pagination.page).toBeNull();
      expect(listed.body.meta.pagination.total).toBe(live.length);
    } while (cursor);
    expect(walked).toEqual(seen);
  });

  it("filters by date range, whole days in UTC", async () => {
    const reasonId = await createReason("Seasonal (date test)");
    const old = await storeEvent(server.database.db, {
      account_id: server.accountId,
      id: "evt_date_test_old",
      reason_id: reasonId,
      reason_text: "Seasonal (date test)",
      customer_oid: "cus_dates",
      created_at: new Date("2024-01-15T23:59:59Z"),
    });
    const day = await call("GET", "/events?start_date=2024-01-15&end_date=2024-01-15");
    expect(day.body.events.map((e: { id: string }) => e.id)).toEqual([old.id]);
    expect(day.body.events[0].created_at).toBe(Date.parse("2024-01-15T23:59:59Z") / 1000);
    const after = await call("GET", "/events?start_date=2024-01-16&customer_oid=cus_dates");
    expect(after.body.events).toEqual([]);
    const before = await call("GET", "/events?end_date=2024-01-14&customer_oid=cus_dates");
    expect(before.body.events).toEqual([]);
  });

  it("updates an event's reason and comment", async () => {
    const first = await createReason("First answer (update test)");
    const second = await createReason("Second answer (update test)");
    const event = await recordEvent({
      reason_id: first,
      comment: "first",
      customer_oid: "cus_update",
    });
    const updated = await call("PUT", `/events/${event.id}`, {
      reason_id: second,
      comment: "second",
    });
    expect(updated.status).toBe(200);
    expect(updated.body.event).toMatchObject({
      id: event.id,
      reason: { id: second, text: "Second answer (update test)" },
      comment: "second",
      created_at: event.created_at,
    });
    const cleared = await call("PUT", `/events/${event.id}`, { comment: "" });
    expect(cleared.body.event).toMatchObject({ comment: null, reason_id: second });
    expect((await call("GET", `/events/${event.id}`)).body.event.comment).toBeNull();
    // Sending back what it already says is fine, and changes nothing.
    const same = await call("PUT", `/events/${event.id}`, { reason_id: second });
    expect(same.status).toBe(200);
    expect(same.body).toEqual(cleared.body);
  });

  it("renaming keeps history, deleting archives: old events keep their reason and text", async () => {
    const reasonId = await createReason("Missing Zapier (history test)");
    const event = await recordEvent({ reason_id: reasonId, customer_oid: "cus_history" });

    const renamed = await call("PUT", `/reasons/${reasonId}`, { text: "Missing integrations" });
    expect(renamed.status).toBe(200);
    expect(renamed.body.reason.text).toBe("Missing integrations");

    const deleted = await call("DELETE", `/reasons/${reasonId}`);
    expect(deleted.status).toBe(202);
    expect(deleted.body).toBeNull();

    const active = await call("GET", "/reasons");
    expect(active.body.reasons.map((r: { id: string }) => r.id)).not.toContain(reasonId);
    const all = await call("GET", "/reasons?include_archived=true");
    expect(all.body.reasons.find((r: { id: string }) => r.id === reasonId)).toMatchObject({
      text: "Missing integrations",
      archived: true,
      answers_total: 1,
    });
    expect((await call("GET", `/reasons/${reasonId}`)).body.reason.archived).toBe(true);

    // The event still says what the customer chose, under the words they saw.
    const kept = await call("GET", `/events/${event.id}`);
    expect(kept.body.event.reason).toEqual({ id: reasonId, text: "Missing Zapier (history test)" });
    // Its comment can still be edited, even sending its (archived) reason back along.
    const edited = await call("PUT", `/events/${event.id}`, {
      reason_id: reasonId,
      comment: "They built their own.",
    });
    expect(edited.status).toBe(200);
    expect(edited.body.event.reason.text).toBe("Missing Zapier (history test)");

    // The widget no longer offers it, and new events cannot pick it.
    const config = await fetch(
      `${server.url}/api/widget/config?access_token_id=${server.accessTokenId}`,
    );
    const widgetReasons = (await config.json()).reasons.map((r: { id: string }) => r.id);
    expect(widgetReasons).not.toContain(reasonId);
    const refused = await call("POST", "/events", { reason_id: reasonId, customer_oid: "cus_x" });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: "unknown_reason", field: "reason_id" });
  });
});

import { Writable } from "node:stream";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggableUrl } from "../../src/server/logging.js";
import { postWidgetEvent, v1Client } from "../helpers/api.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

// What the README promises: comments, customer ids and secrets never reach the logs. The
// server logs into memory here, at info level (every request), and each test looks for the
// words it sent.
const lines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    done();
  },
});
const logs = () => lines.join("\n");

let server: TestServer;
let owner: Client;
let reasonId: string;

beforeAll(async () => {
  server = await startTestServer({ listen: false, logStream });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "owner@example.com");
  const config = await server.app.inject({
    url: `/api/widget/config?access_token_id=${server.accessTokenId}`,
  });
  reasonId = config.json().reasons[0].id;
});
afterAll(() => server.close());

describe("logs hold no secret and nothing a customer wrote", () => {
  it("an invite link's token appears in no request log", async () => {
    const created = await owner.request("POST", `/api/accounts/${server.accountId}/invites`, {
      role: "member",
    });
    const token = String(created.json().url).split("/invite/")[1] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    await server.app.inject({ url: `/invite/${token}` });
    const accepted = await server.app.inject({
      method: "POST",
      url: `/api/invites/${token}/accept`,
      payload: { email: "new@example.com", password: "a long new password" },
    });
    expect(accepted.statusCode).toBe(200);
    expect(logs()).toContain("/api/invites/[redacted]/accept");
    expect(logs()).toContain("/invite/[redacted]");
    expect(logs()).not.toContain(token);
  });

  it("searches and customer filters are not logged, dates and paging are", async () => {
    const q = "cancelled because of my divorce";
    await owner.request(
      "GET",
      `/api/accounts/${server.accountId}/events?q=${encodeURIComponent(q)}&customer_oid=cus_private_42&from=2026-01-01`,
    );
    await v1Client(server)("GET", "/events?customer_oid=cus_private_43&per_page=5");
    expect(logs()).toContain("from=2026-01-01");
    expect(logs()).toContain("per_page=5");
    for (const secret of ["divorce", "cus_private_42", "cus_private_43"]) {
      expect(logs()).not.toContain(secret);
    }
  });

  it("a database failure is logged without the row, the query's parameters or quoted values", async () => {
    // A constraint the row breaks: Postgres answers with the failing row in the error's
    // detail and drivers keep the statement's parameters; the handler must log neither.
    await sql`alter table events add constraint logs_test_no_boom
      check (comment is null or comment not like '%boom%')`.execute(server.database.db);
    try {
      const comment = "boom: my manager never listens to me";
      const response = await postWidgetEvent(server, {
        access_token_id: server.accessTokenId,
        customer_oid: "cus_very_private_7",
        reason_id: reasonId,
        comment,
        idempotency_key: "logs-test-boom-1",
      });
      expect(response.statusCode).toBe(500);
      const failed = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "request failed");
      expect(failed).toMatchObject({ level: 50, reqId: expect.any(String) });
      expect(failed.err).toMatchObject({ constraint: "logs_test_no_boom", code: "23514" });
      for (const secret of ["manager never listens", "cus_very_private_7", "logs-test-boom-1"]) {
        expect(logs()).not.toContain(secret);
      }
    } finally {
      await sql`alter table events drop constraint logs_test_no_boom`.execute(server.database.db);
    }
  });

  it("a refused body is logged by its code and field, not its text", async () => {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/widget/events",
      headers: { "content-type": "text/plain" },
      // V8 quotes the start of the text it could not parse.
      payload: "my secret reason, not JSON",
    });
    expect(response.statusCode).toBe(400);
    expect(logs()).toContain('"code":"invalid_json"');
    expect(logs()).not.toContain("my secret");
  });
});

describe("loggableUrl", () => {
  it.each([
    ["/invite/abc123", "/invite/[redacted]"],
    ["/api/invites/abc123/accept?x=1", "/api/invites/[redacted]/accept?x=[redacted]"],
    ["/api/accounts/acc_1/invites/inv_1", "/api/accounts/acc_1/invites/inv_1"],
    ["/x?from=2026-01-01&q=hello%20world&flag", "/x?from=2026-01-01&q=[redacted]&flag"],
    ["/x?%ZZ=1", "/x?%ZZ=[redacted]"],
  ])("%s → %s", (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
  });
});

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createUser, PASSWORD, sessionCookieOf, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let owner: Client;
let base: string;
beforeAll(async () => {
  server = await startTestServer({
    listen: false,
    env: { PUBLIC_URL: "http://insights.test:3000" },
  });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "owner@example.com");
  base = `/api/accounts/${server.accountId}`;
});
afterAll(() => server.close());

async function invite(body: Record<string, unknown>) {
  const response = await owner.request("POST", `${base}/invites`, body);
  expect(response.statusCode).toBe(201);
  const { invite, url } = response.json();
  const token = String(url).split("/invite/")[1] ?? "";
  return { invite, url: String(url), token };
}

function accept(token: string, options: { cookie?: string; csrf?: string; body?: object } = {}) {
  return server.app.inject({
    method: "POST",
    url: `/api/invites/${token}/accept`,
    headers: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.csrf ? { "x-csrf-token": options.csrf } : {}),
    },
    ...(options.body ? { payload: options.body } : {}),
  });
}

async function roleOf(email: string): Promise<string | undefined> {
  const members = (await owner.request("GET", `${base}/members`)).json().members as Array<{
    email: string;
    role: string;
  }>;
  return members.find((m) => m.email === email)?.role;
}

describe("invites", () => {
  it("gives a one-time link under PUBLIC_URL, valid 7 days, stored only as a hash", async () => {
    const {
      invite: created,
      url,
      token,
    } = await invite({ email: "New@Example.com", role: "member" });
    expect(url).toMatch(/^http:\/\/insights\.test:3000\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ email: "new@example.com", role: "member" });
    const days = (Date.parse(created.expires_at) - Date.parse(created.created_at)) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
    const row = await server.database.db
      .selectFrom("invites")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
    // The list shows pending invites, never their links.
    const list = await owner.request("GET", `${base}/invites`);
    expect(list.json().invites.map((i: { id: string }) => i.id)).toContain(created.id);
    expect(list.body).not.toContain(token);
  });

  it("a new person signs up through the link, gets the role and a session; the link then is spent", async () => {
    const { token } = await invite({ role: "member" });
    const response = await accept(token, {
      body: { email: "newbie@example.com", password: PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      user: { email: "newbie@example.com" },
      account_id: server.accountId,
      accounts: [expect.objectContaining({ id: server.accountId, role: "member" })],
    });
    const cookie = sessionCookieOf(response);
    const session = await server.app.inject({ url: "/api/session", headers: { cookie } });
    expect(session.statusCode).toBe(200);
    expect(await roleOf("newbie@example.com")).toBe("member");

    const again = await accept(token, {
      body: { email: "second@example.com", password: PASSWORD },
    });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe("invite_expired");
    const users = await server.database.db
      .selectFrom("users")
      .select("email")
      .where("email", "=", "second@example.com")
      .execute();
    expect(users).toEqual([]);
  });

  it("a signed-in person accepts with their session and CSRF token; an owner invite makes an owner", async () => {
    await createUser(server, "existing@example.com");
    const existing = await signIn(server, "existing@example.com");
    const { token } = await invite({ role: "owner" });
    const noToken = await accept(token, { cookie: existing.cookie });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe("csrf_failed");
    const response = await accept(token, { cookie: existing.cookie, csrf: existing.csrf });
    expect(response.statusCode).toBe(200);
    // Same session: no new cookie.
    expect(sessionCookieOf(response)).toBeUndefined();
    expect(await roleOf("existing@example.com")).toBe("owner");
  });

  it("an existing user may accept with their password (checked and throttled)", async () => {
    await createUser(server, "returning@example.com");
    const { token } = await invite({ role: "member" });
    const wrong = await accept(token, {
      body: { email: "returning@example.com", password: "wrong one!" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe("invalid_credentials");
    const right = await accept(token, {
      body: { email: "returning@example.com", password: PASSWORD },
    });
    expect(right.statusCode).toBe(200);
    expect(await roleOf("returning@example.com")).toBe("member");
  });

  it("without a session or credentials: 401, and the link stays usable", async () => {
    const { token } = await invite({ role: "member" });
    const response = await accept(token);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("not_signed_in");
    const half = await accept(token, { body: { email: "half@example.com" } });
    expect(half.statusCode).toBe(400);
    expect(half.json().error.field).toBe("password");
    const later = await accept(token, { body: { email: "later@example.com", password: PASSWORD } });
    expect(later.statusCode).toBe(200);
  });

  it("a new person's password must follow the rules", async () => {
    const { token } = await invite({ role: "member" });
    const response = await accept(token, {
      body: { email: "weak@example.com", password: "short" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "validation_error", field: "password" });
  });

  it("an invite naming an email is for that person only", async () => {
    const { token } = await invite({ email: "intended@example.com", role: "member" });
    const stranger = await accept(token, {
      body: { email: "stranger@example.com", password: PASSWORD },
    });
    expect(stranger.statusCode).toBe(403);
    const intended = await accept(token, {
      body: { email: "Intended@example.com", password: PASSWORD },
    });
    expect(intended.statusCode).toBe(200);
  });

  it("an expired or revoked link answers 410 invite_expired; an unknown one 404", async () => {
    const expired = await invite({ role: "member" });
    await server.database.db
      .updateTable("invites")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", expired.invite.id)
      .execute();
    const late = await accept(expired.token, {
      body: { email: "late@example.com", password: PASSWORD },
    });
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe("invite_expired");

    const revoked = await invite({ role: "member" });
    const del = await owner.request("DELETE", `${base}/invites/${revoked.invite.id}`);
    expect(del.statusCode).toBe(200);
    const list = await owner.request("GET", `${base}/invites`);
    expect(list.body).not.toContain(revoked.invite.id);
    const gone = await accept(revoked.token, {
      body: { email: "gone@example.com", password: PASSWORD },
    });
    expect(gone.statusCode).toBe(410);

    const unknown = await accept("A".repeat(43), {
      body: { email: "x@example.com", password: PASSWORD },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("two people racing for one link: one gets it", async () => {
    const { token } = await invite({ role: "member" });
    const [a, b] = await Promise.all([
      accept(token, { body: { email: "race-a@example.com", password: PASSWORD } }),
      accept(token, { body: { email: "race-b@example.com", password: PASSWORD } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 410]);
  });
});

describe("members", () => {
  it("members see the people, but cannot invite, remove or change roles", async () => {
    await createUser(server, "plain@example.com", { accounts: [[server.accountId, "member"]] });
    const plain = await signIn(server, "plain@example.com");
    const list = await plain.request("GET", `${base}/members`);
    expect(list.statusCode).toBe(200);
    expect(list.json().members.map((m: { email: string }) => m.email)).toContain(
      "owner@example.com",
    );
    for (const [method, url, body] of [
      ["POST", `${base}/invites`, { role: "owner" }],
      ["GET", `${base}/invites`, undefined],
      ["DELETE", `${base}/members/${owner.userId}`, undefined],
      ["PATCH", `${base}/members/${plain.userId}`, { role: "owner" }],
      ["PATCH", base, { name: "Taken Over" }],
    ] as const) {
      const response = await plain.request(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json().error.code).toBe("forbidden");
    }
    expect(await roleOf("plain@example.com")).toBe("member");
  });

  it("an owner changes roles and removes people; removal takes effect at once", async () => {
    const user = await createUser(server, "temp@example.com", {
      accounts: [[server.accountId, "member"]],
    });
    const temp = await signIn(server, "temp@example.com");
    const promoted = await owner.request("PATCH", `${base}/members/${user.id}`, { role: "owner" });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json().member).toMatchObject({ email: "temp@example.com", role: "owner" });
    const removed = await owner.request("DELETE", `${base}/members/${user.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await temp.request("GET", `${base}/members`)).statusCode).toBe(404);
    expect((await temp.request("GET", "/api/accounts")).json().accounts).toEqual([]);
    expect((await owner.request("DELETE", `${base}/members/${user.id}`)).statusCode).toBe(404);
  });

  it("a member may leave; the last owner may not leave or be demoted", async () => {
    await createUser(server, "leaver@example.com", { accounts: [[server.accountId, "member"]] });
    const leaver = await signIn(server, "leaver@example.com");
    expect((await leaver.request("DELETE", `${base}/members/${leaver.userId}`)).statusCode).toBe(
      204,
    );

    // Make the owner the only owner of a fresh account.
    const created = await owner.request("POST", "/api/accounts", { name: "Solo" });
    const solo = `/api/accounts/${created.json().account.id}`;
    const leave = await owner.request("DELETE", `${solo}/members/${owner.userId}`);
    expect(leave.statusCode).toBe(409);
    expect(leave.json().error.code).toBe("last_owner");
    const demote = await owner.request("PATCH", `${solo}/members/${owner.userId}`, {
      role: "member",
    });
    expect(demote.statusCode).toBe(409);
  });
});

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, PASSWORD, sessionCookieOf, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, "ann@example.com", { accounts: [[server.accountId, "owner"]] });
});
afterAll(() => server.close());

function login(email: string, password: string, headers: Record<string, string> = {}) {
  return server.app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { email, password },
    headers,
  });
}

function session(cookie: string | undefined) {
  return server.app.inject({ url: "/api/session", headers: cookie ? { cookie } : {} });
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

describe("sign-in", () => {
  it("signs in with email (any case) and password, and the session shows the same shape", async () => {
    const response = await login("ANN@example.com", PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      user: { id: expect.stringMatching(/^usr_/), email: "ann@example.com" },
      accounts: [
        { id: server.accountId, name: "Acme Test", role: "owner", created_at: expect.any(String) },
      ],
      csrf_token: expect.any(String),
    });
    expect(response.headers["cache-control"]).toBe("no-store");
    const current = await session(sessionCookieOf(response));
    expect(current.statusCode).toBe(200);
    expect(current.json()).toEqual(body);
  });

  it("refuses a wrong password and an unknown email alike, with no cookie", async () => {
    for (const [email, password] of [
      ["ann@example.com", "wrong password"],
      ["nobody@example.com", PASSWORD],
    ] as const) {
      const response = await login(email, password, {});
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("invalid_credentials");
      expect(response.json().error.message).toBe("Wrong email or password.");
      expect(sessionCookieOf(response)).toBeUndefined();
    }
  });

  it("answers 401 not_signed_in without a session", async () => {
    const response = await session(undefined);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("not_signed_in");
    const accounts = await server.app.inject({ url: "/api/accounts" });
    expect(accounts.statusCode).toBe(401);
  });

  it("sets the cookie HttpOnly, SameSite=Lax, Path=/, 30 days, not Secure over http", async () => {
    const response = await login("ann@example.com", PASSWORD);
    const header = String(response.headers["set-cookie"]);
    expect(header).toMatch(/^ci_session=[A-Za-z0-9_-]{43};/);
    expect(header).toContain("HttpOnly");
    expect(header).toContain("SameSite=Lax");
    expect(header).toContain("Path=/");
    expect(header).toContain(`Max-Age=${30 * 24 * 3600}`);
    expect(header).not.toContain("Secure");
    expect(header).not.toContain("Domain");
  });

  it("stores only the hash of the session token", async () => {
    const response = await login("ann@example.com", PASSWORD);
    const token = sessionCookieOf(response)?.split("=")[1] ?? "";
    const rows = await server.database.db.selectFrom("sessions").select("id").execute();
    expect(rows.map((r) => r.id)).toContain(sha256(token));
    expect(rows.map((r) => r.id)).not.toContain(token);
  });
});

describe("session fixation", () => {
  it("never honours a cookie the server did not issue, and login issues a fresh id", async () => {
    const planted = "ci_session=AttackerChosenValueAttackerChosenValue0123456";
    expect((await session(planted)).statusCode).toBe(401);
    const response = await login("ann@example.com", PASSWORD, { cookie: planted });
    expect(response.statusCode).toBe(200);
    const issued = sessionCookieOf(response);
    expect(issued).toBeDefined();
    expect(issued).not.toBe(planted);
    // The planted value still is nobody's session.
    expect((await session(planted)).statusCode).toBe(401);
    expect((await session(issued)).statusCode).toBe(200);
  });

  it("replaces a valid session the browser brought along, which then ends", async () => {
    const first = await signIn(server, "ann@example.com");
    const response = await login("ann@example.com", PASSWORD, { cookie: first.cookie });
    const second = sessionCookieOf(response);
    expect(second).not.toBe(first.cookie);
    expect((await session(first.cookie)).statusCode).toBe(401);
    expect((await session(second)).statusCode).toBe(200);
  });
});

describe("sign-out", () => {
  it("logout ends this session only and clears the cookie", async () => {
    const a = await signIn(server, "ann@example.com");
    const b = await signIn(server, "ann@example.com");
    const response = await a.request("POST", "/api/auth/logout");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sessions_ended: 1 });
    expect(String(response.headers["set-cookie"])).toMatch(
      /^ci_session=;.*Expires=Thu, 01 Jan 1970/,
    );
    expect((await session(a.cookie)).statusCode).toBe(401);
    expect((await session(b.cookie)).statusCode).toBe(200);
  });

  it("logout-everywhere ends every session of the user, on every device", async () => {
    await createUser(server, "bob@example.com");
    const laptop = await signIn(server, "ann@example.com");
    const phone = await signIn(server, "ann@example.com");
    const bob = await signIn(server, "bob@example.com");
    const response = await laptop.request("POST", "/api/auth/logout-everywhere");
    expect(response.statusCode).toBe(200);
    expect(response.json().sessions_ended).toBeGreaterThanOrEqual(2);
    expect((await session(laptop.cookie)).statusCode).toBe(401);
    expect((await session(phone.cookie)).statusCode).toBe(401);
    // Someone else's session is none of this.
    expect((await session(bob.cookie)).statusCode).toBe(200);
  });

  it("logout needs the session's CSRF token", async () => {
    const a = await signIn(server, "ann@example.com");
    const response = await server.app.inject({
      method: "POST",
      url: "/api/auth/logout",
      headers: { cookie: a.cookie },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("csrf_failed");
    expect((await session(a.cookie)).statusCode).toBe(200);
  });
});

describe("expiry", () => {
  it("refuses an expired session and clears its cookie", async () => {
    const a = await signIn(server, "ann@example.com");
    const id = sha256(a.cookie.split("=")[1] ?? "");
    await server.database.db
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", id)
      .execute();
    const response = await session(a.cookie);
    expect(response.statusCode).toBe(401);
    expect(String(response.headers["set-cookie"])).toMatch(/^ci_session=;/);
  });

  it("slides the expiry forward at most once an hour", async () => {
    const a = await signIn(server, "ann@example.com");
    const id = sha256(a.cookie.split("=")[1] ?? "");
    const db = server.database.db;
    const row = () =>
      db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

    // Seen a minute ago: no write, no new cookie.
    const recent = new Date(Date.now() - 60_000);
    const soon = new Date(Date.now() + 24 * 3600_000);
    await db
      .updateTable("sessions")
      .set({ last_seen_at: recent, expires_at: soon })
      .where("id", "=", id)
      .execute();
    const quiet = await session(a.cookie);
    expect(quiet.statusCode).toBe(200);
    expect(quiet.headers["set-cookie"]).toBeUndefined();
    expect(new Date((await row()).expires_at).getTime()).toBe(soon.getTime());

    // Seen two hours ago: expiry moves to 30 days from now and the cookie is renewed.
    await db
      .updateTable("sessions")
      .set({ last_seen_at: new Date(Date.now() - 2 * 3600_000) })
      .where("id", "=", id)
      .execute();
    const refreshed = await session(a.cookie);
    expect(refreshed.statusCode).toBe(200);
    expect(String(refreshed.headers["set-cookie"])).toContain("Max-Age=2592000");
    const expires = new Date((await row()).expires_at).getTime();
    expect(expires).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
  });
});

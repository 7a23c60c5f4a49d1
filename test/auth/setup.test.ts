import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../../src/config.js";
import { buildApp } from "../../src/server/app.js";
import { createAccount, PASSWORD, sessionCookieOf } from "../helpers/auth.js";
import { createTestDatabase } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
});
afterAll(() => server.close());
// Each test starts from an installation without users (accounts made by a test stay).
beforeEach(async () => {
  const db = server.database.db;
  for (const table of ["invites", "sessions", "memberships", "login_throttle", "users"] as const) {
    await db.deleteFrom(table).execute();
  }
});

function firstUser(body: Record<string, unknown>) {
  return server.app.inject({ method: "POST", url: "/api/setup/first-user", payload: body });
}

async function needsFirstUser(): Promise<boolean> {
  const response = await server.app.inject({ url: "/api/setup/status" });
  expect(response.statusCode).toBe(200);
  return response.json().needs_first_user;
}

describe("first-run setup", () => {
  it("creates the first user, signs them in and adopts the existing account; then 409", async () => {
    expect(await needsFirstUser()).toBe(true);
    const response = await firstUser({ email: "Founder@Example.com", password: PASSWORD });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.user.email).toBe("founder@example.com");
    // The account `npm start` made (here the test server's) now belongs to the founder.
    expect(body.accounts).toEqual([
      expect.objectContaining({ id: server.accountId, name: "Acme Test", role: "owner" }),
    ]);
    expect(body.csrf_token).toEqual(expect.any(String));
    const cookie = sessionCookieOf(response);
    expect(cookie).toBeDefined();

    const session = await server.app.inject({ url: "/api/session", headers: { cookie } });
    expect(session.statusCode).toBe(200);
    expect(session.json().user.email).toBe("founder@example.com");

    expect(await needsFirstUser()).toBe(false);
    const again = await firstUser({ email: "mallory@example.com", password: PASSWORD });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe("already_set_up");
    expect(sessionCookieOf(again)).toBeUndefined();
  });

  it("adopts every existing account and creates the named one beside them", async () => {
    const other = await createAccount(server, "Second Product");
    const response = await firstUser({
      email: "founder@example.com",
      password: PASSWORD,
      account_name: "  My SaaS ",
    });
    expect(response.statusCode).toBe(201);
    const accounts: Array<{ id: string; name: string; role: string }> = response.json().accounts;
    expect(accounts.map((a) => [a.name, a.role])).toEqual([
      ["Acme Test", "owner"],
      ["Second Product", "owner"],
      ["My SaaS", "owner"],
    ]);
    expect(accounts[1]?.id).toBe(other.account.id);
  });

  it("requires account_name when there is no account at all", async () => {
    // A database with no account yet, as `migrate` leaves it.
    const empty = await createTestDatabase();
    const app = await buildApp({ config: loadConfig({}), database: empty, secrets: testSecrets });
    const firstUser = (body: Record<string, unknown>) =>
      app.inject({ method: "POST", url: "/api/setup/first-user", payload: body });
    const needsFirstUser = async () =>
      (await app.inject({ url: "/api/setup/status" })).json().needs_first_user;
    onTestFinished(async () => {
      await app.close();
      await empty.close();
    });
    const missing = await firstUser({ email: "founder@example.com", password: PASSWORD });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: "validation_error", field: "account_name" });
    expect(await needsFirstUser()).toBe(true);

    const created = await firstUser({
      email: "founder@example.com",
      password: PASSWORD,
      account_name: "My SaaS",
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().accounts).toEqual([
      expect.objectContaining({ name: "My SaaS", role: "owner" }),
    ]);
  });

  it("refuses short, overlong and missing passwords and bad emails, with the field", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: "a@example.com", password: "short" }, "password"],
      [{ email: "a@example.com", password: "x".repeat(201) }, "password"],
      [{ email: "a@example.com" }, "password"],
      [{ email: "not-an-email", password: PASSWORD }, "email"],
      [{ email: "a@example.com", password: 1234567890123 }, "password"],
    ];
    for (const [body, field] of cases) {
      const response = await firstUser(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error).toMatchObject({ code: "validation_error", field });
    }
    expect(await needsFirstUser()).toBe(true);
  });

  it("lets only one of two simultaneous setups through", async () => {
    const [a, b] = await Promise.all([
      firstUser({ email: "a@example.com", password: PASSWORD }),
      firstUser({ email: "b@example.com", password: PASSWORD }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const users = await server.database.db.selectFrom("users").select("email").execute();
    expect(users).toHaveLength(1);
  });

  it("stores the password only as an argon2id hash", async () => {
    await firstUser({ email: "founder@example.com", password: PASSWORD });
    const user = await server.database.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(user.password_hash).not.toContain(PASSWORD);
  });
});

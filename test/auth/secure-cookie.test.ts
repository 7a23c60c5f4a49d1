import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, PASSWORD, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    listen: false,
    env: { PUBLIC_URL: "https://insights.example.com" },
  });
  await createUser(server, "ann@example.com");
});
afterAll(() => server.close());

describe("behind HTTPS (PUBLIC_URL https://)", () => {
  it("the session cookie is Secure and __Host- prefixed (no subdomain can plant one)", async () => {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "ann@example.com", password: PASSWORD },
    });
    const header = String(response.headers["set-cookie"]);
    expect(header).toMatch(/^__Host-ci_session=[A-Za-z0-9_-]{43};/);
    for (const flag of ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"]) {
      expect(header).toContain(flag);
    }
    expect(header).not.toContain("Domain");
  });

  it("ignores a session token sent under the plain cookie name", async () => {
    const client = await signIn(server, "ann@example.com");
    const plain = client.cookie.replace(/^__Host-/, "");
    const response = await server.app.inject({ url: "/api/session", headers: { cookie: plain } });
    expect(response.statusCode).toBe(401);
    const ok = await server.app.inject({ url: "/api/session", headers: { cookie: client.cookie } });
    expect(ok.statusCode).toBe(200);
  });

  it("accepts requests from its own origin and refuses others", async () => {
    const client = await signIn(server, "ann@example.com");
    const post = (origin: string) =>
      server.app.inject({
        method: "POST",
        url: "/api/accounts",
        headers: { cookie: client.cookie, "x-csrf-token": client.csrf, origin },
        payload: { name: "Origin Test" },
      });
    expect((await post("https://insights.example.com")).statusCode).toBe(201);
    const foreign = await post("https://evil.example");
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe("csrf_failed");
  });
});

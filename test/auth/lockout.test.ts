import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_THROTTLE } from "../../src/server/auth/login-throttle.js";
import { createUser, PASSWORD } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
  for (const name of ["ann", "bob", "cat", "dan", "eve", "fay"]) {
    await createUser(server, `${name}@example.com`);
  }
});
afterAll(() => server.close());

function login(email: string, password: string, ip: string) {
  return server.app.inject({
    method: "POST",
    url: "/api/auth/login",
    remoteAddress: ip,
    payload: { email, password },
  });
}

/** Moves every lock and window into the past, as if the lock time had gone by. */
async function letTimePass() {
  const past = new Date(Date.now() - 60 * 60_000);
  await server.database.db
    .updateTable("login_throttle")
    .set({ locked_until: past, window_started_at: past })
    .where("locked_until", "is not", null)
    .execute();
}

const EMAIL_LIMIT = LOGIN_THROTTLE.email.maxFailures;
const IP_LIMIT = LOGIN_THROTTLE.ip.maxFailures;

describe("brute force on one email", () => {
  it(`locks the email after ${EMAIL_LIMIT} failures: 429 login_locked with Retry-After, even for the right password`, async () => {
    for (let i = 0; i < EMAIL_LIMIT; i++) {
      // Spread over addresses: the email's own count locks it.
      const response = await login("ann@example.com", `wrong-${i}`, `10.1.0.${i + 1}`);
      expect(response.statusCode).toBe(401);
    }
    const locked = await login("ann@example.com", PASSWORD, "10.1.1.1");
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("login_locked");
    const retryAfter = Number(locked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers["set-cookie"]).toBeUndefined();

    // Other people are not locked out by Ann's attacker.
    expect((await login("bob@example.com", PASSWORD, "10.1.1.1")).statusCode).toBe(200);

    await letTimePass();
    expect((await login("ann@example.com", PASSWORD, "10.1.1.1")).statusCode).toBe(200);
  });

  it("locks unknown emails the same way, so a lock does not reveal who has a user", async () => {
    for (let i = 0; i < EMAIL_LIMIT; i++) {
      expect((await login("ghost@example.com", "guess", `10.2.0.${i + 1}`)).statusCode).toBe(401);
    }
    const locked = await login("ghost@example.com", "guess", "10.2.1.1");
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("login_locked");
  });

  it("forgives earlier failures after a successful sign-in", async () => {
    for (let i = 0; i < EMAIL_LIMIT - 1; i++) await login("cat@example.com", "nope", "10.3.0.1");
    expect((await login("cat@example.com", PASSWORD, "10.3.0.1")).statusCode).toBe(200);
    for (let i = 0; i < EMAIL_LIMIT - 1; i++) {
      expect((await login("cat@example.com", "nope", "10.3.0.1")).statusCode).toBe(401);
    }
    expect((await login("cat@example.com", PASSWORD, "10.3.0.1")).statusCode).toBe(200);
  });
});

describe("attempts at once", () => {
  it(`of 40 wrong passwords at once for one email, exactly ${EMAIL_LIMIT} are checked`, async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login("eve@example.com", `wrong-${i}`, `10.6.0.${i}`)),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(EMAIL_LIMIT);
    expect(codes.filter((c) => c === 429)).toHaveLength(40 - EMAIL_LIMIT);
    // And it stays locked for the right password too.
    expect((await login("eve@example.com", PASSWORD, "10.6.1.1")).statusCode).toBe(429);
  });

  it("successful sign-ins do not use up an address's attempts (an office shares one IP)", async () => {
    const ip = "10.7.7.7";
    for (let i = 0; i <= IP_LIMIT; i++) {
      expect((await login("fay@example.com", PASSWORD, ip)).statusCode).toBe(200);
    }
    expect((await login("nobody@example.com", "guess", ip)).statusCode).toBe(401);
  }, 120_000);
});

describe("brute force from one address", () => {
  it(`locks the IP after ${IP_LIMIT} failures across many emails`, async () => {
    const ip = "10.9.9.9";
    for (let i = 0; i < IP_LIMIT; i++) {
      const response = await login(`spray-${i}@example.com`, "Summer2024!", ip);
      expect(response.statusCode).toBe(401);
    }
    const locked = await login("dan@example.com", PASSWORD, ip);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe("login_locked");
    // Dan from his own address is fine.
    expect((await login("dan@example.com", PASSWORD, "10.9.9.10")).statusCode).toBe(200);
  });
});

describe("timing", () => {
  it("does as much work for an unknown email as for a wrong password", async () => {
    // Work as CPU time of this process (argon2 runs on its threads): what makes the two
    // replies take as long, and unlike time on the clock, nothing a busy machine adds to.
    const work = async (email: string, ip: string) => {
      const start = process.cpuUsage();
      await login(email, "wrong password", ip);
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    // Warm up the dummy hash first.
    await work("warmup@example.com", "10.5.0.1");
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await work("bob@example.com", `10.5.1.${i}`));
      unknown.push(await work(`nobody-${i}@example.com`, `10.5.2.${i}`));
    }
    // Both run one argon2 verification: the least of each came out 0.8-0.9 apart here, and
    // 0.2-0.3 apart with the dummy verification taken out (the lookups alone).
    expect(Math.min(...unknown)).toBeGreaterThan(Math.min(...known) * 0.5);
  });
});

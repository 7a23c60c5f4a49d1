import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { DatabaseHandle } from "../../src/db/database.js";
import { buildApp } from "../../src/server/app.js";
import { cliDatabase, runCli } from "../helpers/cli.js";
import { testSecrets } from "../helpers/secrets.js";

// The real CLI in a child process, on a PGlite data directory or a fresh Postgres database.
let env: NodeJS.ProcessEnv;
let openForTest: () => Promise<DatabaseHandle>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const database = await cliDatabase();
  env = database.env;
  openForTest = database.open;
  cleanup = database.cleanup;
});
afterAll(() => cleanup());

const PASSWORD = "a long enough password";

async function cli(args: string[]) {
  const result = await runCli(args, env);
  if (result.code !== 0) throw new Error(`cli ${args.join(" ")} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Signs in through the real app on the CLI's database: what the user will do next. */
async function login(email: string, password: string) {
  const database = await openForTest();
  const app = await buildApp({ config: loadConfig({}), database, secrets: testSecrets });
  try {
    const response = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email, password },
    });
    return { status: response.statusCode, body: response.json() };
  } finally {
    await app.close();
    await database.close();
  }
}

describe("user create", () => {
  it("the first user owns every existing account and can sign in", async () => {
    const demo = await cli(["account", "create", "--name", "Demo SaaS", "--json"]);
    const user = await cli([
      "user",
      "create",
      "--email",
      "Founder@Example.com",
      "--password",
      PASSWORD,
      "--json",
    ]);
    expect(user).toEqual({
      user_id: expect.stringMatching(/^usr_/),
      email: "founder@example.com",
      accounts: [{ id: demo.account_id, name: "Demo SaaS", role: "owner" }],
    });
    const signedIn = await login("founder@example.com", PASSWORD);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.accounts).toEqual([
      expect.objectContaining({ id: demo.account_id, role: "owner" }),
    ]);
  });

  it("later users join only the account given, with the role given", async () => {
    const account = await cli(["account", "create", "--name", "Team Co", "--json"]);
    const nobody = await cli([
      "user",
      "create",
      "--email",
      "loner@example.com",
      "--password",
      PASSWORD,
      "--json",
    ]);
    expect(nobody.accounts).toEqual([]);
    const member = await cli([
      "user",
      "create",
      "--email",
      "member@example.com",
      "--password",
      PASSWORD,
      "--account",
      account.account_id,
      "--role",
      "member",
      "--json",
    ]);
    expect(member.accounts).toEqual([{ id: account.account_id, name: "Team Co", role: "member" }]);
    const owner = await cli([
      "user",
      "create",
      "--email",
      "boss@example.com",
      "--password",
      PASSWORD,
      "--account",
      account.account_id,
      "--json",
    ]);
    expect(owner.accounts).toEqual([{ id: account.account_id, name: "Team Co", role: "owner" }]);
  });

  it("stores the password as an argon2id hash only", async () => {
    const database = await openForTest();
    try {
      const row = await database.db
        .selectFrom("users")
        .select("password_hash")
        .where("email", "=", "founder@example.com")
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    } finally {
      await database.close();
    }
  });

  const bad: Array<[string, string[], RegExp]> = [
    ["no action", ["user"], /Unknown user action/],
    ["no email", ["user", "create", "--password", PASSWORD], /--email E is required/],
    ["no password", ["user", "create", "--email", "x@example.com"], /--password P is required/],
    ["a bad email", ["user", "create", "--email", "nope", "--password", PASSWORD], /not an email/],
    [
      "a short password",
      ["user", "create", "--email", "x@example.com", "--password", "short"],
      /10 to 200 characters/,
    ],
    [
      "a bad role",
      [
        "user",
        "create",
        "--email",
        "x@example.com",
        "--password",
        PASSWORD,
        "--account",
        "acc_x",
        "--role",
        "admin",
      ],
      /--role must be owner or member/,
    ],
    [
      "a role without account",
      ["user", "create", "--email", "x@example.com", "--password", PASSWORD, "--role", "member"],
      /--role needs --account/,
    ],
    [
      "an unknown account",
      [
        "user",
        "create",
        "--email",
        "x@example.com",
        "--password",
        PASSWORD,
        "--account",
        "acc_nope",
      ],
      /No account "acc_nope"/,
    ],
    [
      "a taken email",
      ["user", "create", "--email", "FOUNDER@example.com", "--password", PASSWORD],
      /exists already/,
    ],
  ];
  for (const [name, args, message] of bad) {
    it(`${name}: non-zero exit with one line`, async () => {
      const result = await runCli(args, env);
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
    });
  }

  it("an unknown account creates no user", async () => {
    const database = await openForTest();
    try {
      const row = await database.db
        .selectFrom("users")
        .select("id")
        .where("email", "=", "x@example.com")
        .executeTakeFirst();
      expect(row).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});

describe("account create --email --password", () => {
  it("creates the user as the account's owner, and reuses them with the right password", async () => {
    const first = await cli([
      "account",
      "create",
      "--name",
      "Owned One",
      "--email",
      "maker@example.com",
      "--password",
      PASSWORD,
      "--json",
    ]);
    expect(first.owner).toEqual({
      user_id: expect.stringMatching(/^usr_/),
      email: "maker@example.com",
    });
    const second = await cli([
      "account",
      "create",
      "--name",
      "Owned Two",
      "--email",
      "MAKER@example.com",
      "--password",
      PASSWORD,
      "--json",
    ]);
    expect(second.owner.user_id).toBe(first.owner.user_id);
    const signedIn = await login("maker@example.com", PASSWORD);
    expect(
      signedIn.body.accounts.map((a: { name: string; role: string }) => [a.name, a.role]),
    ).toEqual([
      ["Owned One", "owner"],
      ["Owned Two", "owner"],
    ]);
  });

  it("refuses a wrong password for an existing user and creates nothing", async () => {
    const result = await runCli(
      [
        "account",
        "create",
        "--name",
        "Hijack",
        "--email",
        "maker@example.com",
        "--password",
        "wrong password!",
      ],
      env,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toEqual([
      "cancel-insights: --password does not match the existing user maker@example.com.",
    ]);
    const database = await openForTest();
    try {
      const row = await database.db
        .selectFrom("accounts")
        .select("id")
        .where("name", "=", "Hijack")
        .executeTakeFirst();
      expect(row).toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it("needs both --email and --password", async () => {
    const result = await runCli(
      ["account", "create", "--name", "Half", "--email", "half@example.com"],
      env,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--password P is required/);
  });
});

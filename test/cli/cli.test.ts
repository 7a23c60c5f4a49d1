import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { newId } from "../../src/db/ids.js";
import { createCancellationAnswersRepository } from "../../src/db/repositories/cancellation-answers.js";
import { createCancellationsRepository } from "../../src/db/repositories/cancellations.js";
import { cliDatabase, freePort, runCli, startCli } from "../helpers/cli.js";
import { testEngine } from "../helpers/database.js";

// The CLI runs as its own process: on PGlite it gets a data directory, on Postgres the URL
// of a fresh database.
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

async function createAccount(name: string) {
  const result = await runCli(["account", "create", "--name", name, "--json"], env);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as {
    account_id: string;
    access_token_id: string;
    secret_key: string;
  };
}

describe("account create", () => {
  it("--json prints one object with the account id, access token and secret key", async () => {
    const account = await createAccount("Acme Inc");
    expect(account).toMatchObject({
      account_id: expect.stringMatching(/^acc_/),
      name: "Acme Inc",
      access_token_id: expect.stringMatching(/^tok_/),
      secret_key: expect.stringMatching(/^sk_/),
    });
    const database = await openForTest();
    try {
      const stored = await database.db
        .selectFrom("api_keys")
        .select(["secret_hash", "secret_prefix"])
        .where("account_id", "=", account.account_id)
        .executeTakeFirstOrThrow();
      // Only a hash is kept: the secret itself appears nowhere in the database.
      expect(stored.secret_hash).not.toContain(account.secret_key);
      expect(stored.secret_hash).toHaveLength(64);
      const reasons = await database.db
        .selectFrom("reasons")
        .select("text")
        .where("account_id", "=", account.account_id)
        .execute();
      expect(reasons.map((r) => r.text)).toContain("Too expensive");
    } finally {
      await database.close();
    }
  });

  it("without --name exits non-zero with a one-line message", async () => {
    const result = await runCli(["account", "create", "--json"], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toEqual(["cancel-insights: --name NAME is required."]);
    expect(result.stdout).toBe("");
  });
});

describe("bad input exits non-zero with one line", () => {
  const cases: Array<[string, string[], RegExp, NodeJS.ProcessEnv?]> = [
    ["unknown command", ["frobnicate"], /Unknown command "frobnicate"/],
    ["unknown option", ["migrate", "--colour"], /Unknown option '--colour'/],
    ["snippet without token", ["snippet"], /--token ID is required/],
    ["snippet with a bad token", ["snippet", "--token", "<script>"], /not an access token id/],
    ["export without account", ["export"], /--account ID is required/],
    ["export in xml", ["export", "--account", "acc_x", "--format", "xml"], /json or csv/],
    ["export of an unknown account", ["export", "--account", "acc_nope"], /No account/],
    ["demo with a bad count", ["demo", "--events", "lots"], /--events must be a whole number/],
    ["a bad PORT", ["migrate"], /PORT must be an integer/, { PORT: "http" }],
    [
      "a bad SECRETS_KEY",
      ["export", "--account", "acc_x"],
      /SECRETS_KEY: key 2 is not 32 bytes in base64 or hex/,
      { SECRETS_KEY: `${"ab".repeat(32)},notakey` },
    ],
    ["secrets without an action", ["secrets"], /Unknown secrets action ""/],
  ];
  for (const [name, args, message, extra] of cases) {
    it(name, async () => {
      const result = await runCli(args, { ...env, ...extra });
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    });
  }
});

describe("snippet", () => {
  it("prints the embed snippet with the token and PUBLIC_URL", async () => {
    const result = await runCli(["snippet", "--token", "tok_abc123"], {
      ...env,
      PUBLIC_URL: "https://ci.example.com/",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('s.src="https://ci.example.com/barecancel.js"');
    expect(result.stdout).toContain('access_token_id: "tok_abc123"');
    expect(result.stdout).toContain("window.barecancel.params");
  });
});

describe("export", () => {
  it("prints every live event as JSON lines, test events only with --include-test", async () => {
    const { account_id } = await createAccount("Export Co");
    const database = await openForTest();
    try {
      const base = {
        account_id,
        kind: "answer" as const,
        source: "api" as const,
        reason_id: "rsn_x",
        reason_text: "Too expensive",
        customer_oid: "cus_1",
        subscription_oids: ["sub_a", "sub_b"],
        idempotency_key: null,
        locale: "en",
        mrr_amount: 4900,
        mrr_currency: "usd",
      };
      await database.db
        .insertInto("events")
        .values([
          {
            ...base,
            id: newId("evt"),
            comment: '=HYPERLINK("http://evil")',
            test_mode: false,
            created_at: new Date("2026-01-01T00:00:00Z"),
          },
          {
            ...base,
            id: newId("evt"),
            comment: 'plain, with "quotes"\nand a newline',
            test_mode: false,
            created_at: new Date("2026-01-02T00:00:00Z"),
          },
          {
            ...base,
            id: newId("evt"),
            comment: "a test",
            test_mode: true,
            created_at: new Date("2026-01-03T00:00:00Z"),
          },
        ])
        .execute();
      // sub_a's cancellation, which the live answers explain.
      const { cancellation } = await createCancellationsRepository(database.db).record({
        account_id,
        connection_id: null,
        subscription_id: "sub_a",
        customer_id: "cus_1",
        test_mode: false,
        path: "provider_api",
        timing: "immediate",
        state: "ended",
        requested_at: new Date("2026-01-01T00:00:00Z"),
        lost_mrr: { amount: 4900, currency: "usd" },
        plan: "Pro",
      });
      await createCancellationAnswersRepository(database.db).linkAnswers(cancellation, 7);
    } finally {
      await database.close();
    }

    const json = await runCli(["export", "--account", account_id], env);
    expect(json.code).toBe(0);
    const lines = json.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    // The REST API's event (Baremetrics' forms, and ours beside them).
    expect(lines[0]).toMatchObject({
      reason: { text: "Too expensive" },
      reason_text: "Too expensive",
      comment: '=HYPERLINK("http://evil")',
      subscription_oids: ["sub_a", "sub_b"],
      mrr: { amount: 4900, currency: "usd" },
      cancelled_subscriptions: [
        { id: "sub_a", mrr: { amount: 4900, currency: "usd" }, plan: "Pro" },
      ],
      created_at: Date.parse("2026-01-01T00:00:00.000Z") / 1000,
      created_at_iso: "2026-01-01T00:00:00.000Z",
    });

    const all = await runCli(["export", "--account", account_id, "--include-test"], env);
    expect(all.stdout.trim().split("\n")).toHaveLength(3);

    const csv = await runCli(["export", "--account", account_id, "--format", "csv"], env);
    expect(csv.code).toBe(0);
    const [header, first] = csv.stdout.split("\n");
    expect(header).toBe(
      "id,created_at,kind,source,reason_id,reason,comment,customer_oid,subscription_oids,test_mode,install_check,locale,plan,mrr_amount,mrr_currency",
    );
    // The formula is defused with an apostrophe; quotes and newlines are CSV-quoted.
    expect(first).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv.stdout).toContain('"plain, with ""quotes""\nand a newline"');
  });
});

// Each test starts real server processes on a fresh database (PGlite runs initdb): slow on a
// loaded 2-core machine, hence the generous timeout.
describe("start", { timeout: 120_000 }, () => {
  // The newcomer's embedded database gets its demo by itself; PostgreSQL only on --demo.
  const demoArgs = testEngine === "postgres" ? ["--demo"] : [];

  it(`on an empty database ${demoArgs.join(" ")} creates the demo account and serves /demo and the widget`, async () => {
    const port = await freePort();
    const empty = await cliDatabase();
    const server = await startCli(demoArgs, { ...empty.env, PORT: String(port) });
    try {
      await checkStarted(server.output(), port);
    } finally {
      await server.stop();
      await empty.cleanup();
    }
  });

  it.runIf(testEngine === "postgres")(
    "on an empty PostgreSQL without --demo seeds nothing: no account, no user, no demo",
    async () => {
      const port = await freePort();
      const empty = await cliDatabase();
      const server = await startCli([], { ...empty.env, PORT: String(port) });
      try {
        const output = server.output();
        expect(output).toContain("Cancel Insights is running at");
        expect(output).not.toMatch(/Embed token:|demo@example\.com/);
        expect(output).toContain("none yet: open the dashboard to create the first one");
        const demo = await (await fetch(`http://127.0.0.1:${port}/demo`)).text();
        expect(demo).toContain("No demo account");
        const database = await empty.open();
        try {
          expect(await database.db.selectFrom("accounts").select("id").execute()).toEqual([]);
          expect(await database.db.selectFrom("users").select("id").execute()).toEqual([]);
          expect(await database.db.selectFrom("events").select("id").execute()).toEqual([]);
        } finally {
          await database.close();
        }
      } finally {
        await server.stop();
        await empty.cleanup();
      }
    },
  );

  it("the /demo page never embeds a real account's token, whichever is oldest", async () => {
    const port = await freePort();
    const db = await cliDatabase();
    const real = await runCli(["account", "create", "--name", "Real Co", "--json"], db.env);
    expect(real.code).toBe(0);
    const realToken = JSON.parse(real.stdout).access_token_id as string;
    // Not empty any more: the embedded database gets no demo by itself now; --demo makes one.
    const server = await startCli(["--demo"], { ...db.env, PORT: String(port) });
    try {
      const demoToken = server.output().match(/Embed token:\s+(tok_\w+)/)?.[1];
      expect(demoToken).toMatch(/^tok_/);
      expect(demoToken).not.toBe(realToken);
      const page = await (await fetch(`http://127.0.0.1:${port}/demo`)).text();
      expect(page).toContain(demoToken);
      expect(page).not.toContain(realToken);
    } finally {
      await server.stop();
    }
    const without = await startCli([], { ...db.env, PORT: String(port) });
    try {
      // The demo account made by --demo stays the page's; the real one never is.
      const page = await (await fetch(`http://127.0.0.1:${port}/demo`)).text();
      expect(page).not.toContain(realToken);
    } finally {
      await without.stop();
      await db.cleanup();
    }
  });
});

async function checkStarted(output: string, port: number) {
  const base = `http://127.0.0.1:${port}`;
  expect(output).toContain(`Cancel Insights is running at ${base}`);
  expect(output).toContain(`${base}/demo`);
  const token = output.match(/Embed token:\s+(tok_\w+) \(demo account created\)/)?.[1];
  expect(token).toBeDefined();
  const demo = await fetch(`${base}/demo`);
  expect(demo.status).toBe(200);
  expect(await demo.text()).toContain(token);
  expect((await fetch(`${base}/barecancel.js`)).status).toBe(200);
  const docs = output.match(/REST API docs:\s+(\S+)/)?.[1];
  expect(docs).toBe(`${base}/docs/api`);
  expect((await fetch(docs as string)).status).toBe(200);
  // The printed login opens the dashboard on the demo account.
  const [, email, password] = output.match(/Login:\s+(\S+) \/ (\S+)\s+\(shown once\)/) ?? [];
  expect(email).toBe("demo@example.com");
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, password }),
  });
  expect(login.status).toBe(200);
  const { accounts } = await login.json();
  expect(accounts).toHaveLength(1);
  expect((await fetch(`${base}/`)).status).toBe(200);
  expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: "ok" });
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeStripe, TEST_KEY } from "../billing/stripe/fake.js";
import { cliDatabase, runCli, spawnCli } from "../helpers/cli.js";

// 1,200 generated customers, each with a subscription: 12 pages of each, paced so that the
// first sync is still listing customers when it is killed.
const { fake } = await fakeStripe({ now: Date.now, generatedCustomers: 1200 });

let env: NodeJS.ProcessEnv;
let database: Awaited<ReturnType<typeof cliDatabase>>;

async function connectedAccount(name: string): Promise<string> {
  const created = await runCli(["account", "create", "--name", name, "--json"], env);
  const accountId: string = JSON.parse(created.stdout).account_id;
  const connected = await runCli(
    ["stripe", "connect", "--account", accountId, "--key", TEST_KEY],
    env,
  );
  expect(connected.code).toBe(0);
  return accountId;
}

/** `cancel-insights sync`, killed with SIGKILL once it has stored `pages` pages. */
function syncKilledAfter(accountId: string, pages: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(["sync", "--account", accountId], env);
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.split("\n").filter((l) => l.startsWith("customers")).length >= pages) {
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.once("exit", (code, signal) =>
      signal === "SIGKILL" ? resolve(output) : reject(new Error(`sync ended (${code}): ${output}`)),
    );
  });
}

/** What the syncs stored for an account, without what names the account or the moments. */
async function stored(accountId: string) {
  const handle = await database.open();
  try {
    const rows = async (table: "billing_customers" | "billing_subscriptions") =>
      (
        await handle.db
          .selectFrom(table)
          .selectAll()
          .where("account_id", "=", accountId)
          .orderBy("id")
          .execute()
      ).map(({ account_id, connection_id, synced_at, observed_at_ms, ...row }) => row);
    return {
      customers: await rows("billing_customers"),
      subscriptions: await rows("billing_subscriptions"),
    };
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  database = await cliDatabase();
  env = {
    ...database.env,
    STRIPE_API_BASE: fake.url,
    STRIPE_TEST_RATE_LIMIT: "8",
    // One window: the kill lands mid-list, where only the stored cursor can resume it.
    STRIPE_BACKFILL_WINDOW_DAYS: "0",
  };
});
afterAll(() => database?.cleanup());

describe("a sync killed halfway (SIGKILL)", () => {
  it("resumes after the last page it stored and ends with the rows of an uninterrupted sync", async () => {
    const whole = await connectedAccount("Whole");
    const killed = await connectedAccount("Killed");
    expect((await runCli(["sync", "--account", whole], env)).code).toBe(0);

    await syncKilledAfter(killed, 3);
    const afterKill = fake.requests.length;
    const resumed = await runCli(["sync", "--account", killed], env);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    // The second process went on from a stored cursor: no probe of the list again, and no
    // customers page without a cursor (the first page of the list).
    const customerPages = fake.requests
      .slice(afterKill)
      .filter((r) => r.path === "/v1/customers")
      .map((r) => r.params.starting_after ?? null);
    expect(customerPages.length).toBeGreaterThan(0);
    expect(customerPages.filter((cursor) => cursor === null)).toEqual([]);

    const [a, b] = [await stored(whole), await stored(killed)];
    expect(b.customers).toHaveLength(1200);
    expect(b.subscriptions).toHaveLength(1200);
    expect(b).toEqual(a);
  });
});

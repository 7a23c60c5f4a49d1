import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelNow } from "../../src/billing/stripe/fake/subscription-changes.js";
import { fakeStripe, TEST_KEY } from "../billing/stripe/fake.js";
import { cliDatabase, runCli } from "../helpers/cli.js";

// The fake on real time; the CLI process reaches it through STRIPE_API_BASE.
const { fake } = await fakeStripe({ now: Date.now });
const price = fake.test.createPrice({
  currency: "usd",
  product: "prod_cli",
  nickname: "Cli",
  unitAmount: 500,
  recurring: { interval: "month" },
});
for (let i = 0; i < 3; i++) {
  const customer = fake.test.createCustomer();
  const sub = fake.test.createSubscription({ customer: customer.id, items: [{ price: price.id }] });
  if (i === 0) fake.test.change(sub.id, cancelNow());
}

let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
let accountId: string;

beforeAll(async () => {
  const database = await cliDatabase();
  cleanup = database.cleanup;
  env = {
    ...database.env,
    STRIPE_API_BASE: fake.url,
    STRIPE_TEST_RATE_LIMIT: "0",
    PUBLIC_URL: "https://insights.example.com",
  };
  const created = await runCli(["account", "create", "--name", "Cli Co", "--json"], env);
  accountId = JSON.parse(created.stdout).account_id;
});
afterAll(() => cleanup());

describe("cancel-insights stripe and sync", () => {
  it("refuses a key Stripe refuses in one line, exit 1, the key never printed", async () => {
    const result = await runCli(
      ["stripe", "connect", "--account", accountId, "--key", "rk_test_wrong0000"],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      "cancel-insights: Stripe refused the key. (invalid_key)",
    ]);
    expect(result.stdout + result.stderr).not.toContain("rk_test_wrong0000");
    const list = await runCli(["stripe", "list", "--account", accountId], env);
    expect(list.stdout.trim()).toBe("No billing connections.");
  });

  it("connects, prints the webhook URL and events, then syncs with plain progress lines", async () => {
    const connected = await runCli(
      [
        "stripe",
        "connect",
        "--account",
        accountId,
        "--key",
        TEST_KEY,
        "--webhook-secret",
        "whsec_cli",
      ],
      env,
    );
    expect(connected.stderr).toBe("");
    expect(connected.code).toBe(0);
    const id = /Connection:\s+(bcn_\w+) \(test mode/.exec(connected.stdout)?.[1];
    expect(id).toBeDefined();
    expect(connected.stdout).toContain(
      `Webhook URL:  https://insights.example.com/webhooks/stripe/${id}`,
    );
    expect(connected.stdout).toContain("customer.subscription.deleted");
    expect(connected.stdout).not.toContain(TEST_KEY);

    const synced = await runCli(["sync", "--account", accountId], env);
    expect(synced.stderr).toBe("");
    expect(synced.code).toBe(0);
    const lines = synced.stdout.trim().split("\n");
    // After the customers, the subscriptions are taken to be as many: half done, an ETA.
    expect(lines[0]).toMatch(/^customers 3 … \d+\/s · 50% · ETA \d+[smh]/);
    expect(lines.at(-2)).toMatch(/^subscriptions 3 … \d+\/s · 100% · ETA 0s$/);
    expect(lines.at(-1)).toBe("Synced 3 customers and 3 subscriptions (succeeded).");

    const list = await runCli(["stripe", "list", "--account", accountId], env);
    expect(list.stdout).toMatch(new RegExp(`^${id}  stripe  test  active  sk_test_…`));
    const gone = await runCli(
      ["stripe", "disconnect", "--account", accountId, "--connection", id ?? ""],
      env,
    );
    expect(gone.code).toBe(0);
    const again = await runCli(["sync", "--account", accountId, "--connection", id ?? ""], env);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("stores the webhook signing secret given after connecting, refusing what is not one", async () => {
    const connected = await runCli(
      ["stripe", "connect", "--account", accountId, "--key", TEST_KEY],
      env,
    );
    expect(connected.code).toBe(0);
    const id = /Connection:\s+(bcn_\w+)/.exec(connected.stdout)?.[1] ?? "";
    expect(connected.stdout).toContain(
      `stripe webhook-secret --account ${accountId} --connection ${id}`,
    );
    const listed = () => runCli(["stripe", "list", "--account", accountId], env);
    expect((await listed()).stdout).toMatch(new RegExp(`^${id} .* no webhook secret`, "m"));

    const wrong = await runCli(
      ["stripe", "webhook-secret", "--account", accountId, "--connection", id, "--secret", "nope"],
      env,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim().split("\n")).toHaveLength(1);
    const stored = await runCli(
      [
        "stripe",
        "webhook-secret",
        "--account",
        accountId,
        "--connection",
        id,
        "--secret",
        "whsec_later",
      ],
      env,
    );
    expect(stored.code).toBe(0);
    expect(stored.stdout).not.toContain("whsec_later");
    expect((await listed()).stdout).not.toMatch(new RegExp(`^${id} .* no webhook secret`, "m"));
  });

  it("--help lists the commands", async () => {
    const help = await runCli(["--help"], env);
    expect(help.stdout).toContain("stripe connect --account ID --key rk_...");
    expect(help.stdout).toContain("sync --account ID [--connection ID]");
  });
});

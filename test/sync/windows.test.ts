import { describe, expect, it } from "vitest";
import { runBackfill } from "../../src/sync/backfill.js";
import { connectBilling } from "../../src/sync/connect.js";
import type { SyncDeps } from "../../src/sync/deps.js";
import { windowsOf } from "../../src/sync/list-plan.js";
import { settingsFor } from "../billing/stripe/fake.js";
import { newAccount, syncEnvironment, TEST_KEY } from "./setup.js";

const DAY = 86_400;
const env = await syncEnvironment();
// Pages of 3 and windows of a day: a small account made big enough to split.
const PAGE = 3;
const day0 = Math.floor(env.clock.now() / 1000 / DAY) * DAY - 10 * DAY;
const boundaries = [1, 2, 3, 4].map((k) => day0 + k * DAY);
const times = [
  // Objects created at the exact second of a window's bound, and either side of it.
  ...boundaries.flatMap((b) => [b - 1, b, b + 1]),
  ...[0, 1, 2, 3].flatMap((k) => [2, 5, 9, 13, 17, 21].map((h) => day0 + k * DAY + h * 3600)),
];
const price = env.fake.test.createPrice({
  currency: "usd",
  product: "prod_windows",
  nickname: "Windows",
  unitAmount: 900,
  recurring: { interval: "month" },
});
for (const created of times) {
  const customer = env.fake.test.createCustomer({ created });
  env.fake.test.createSubscription({
    customer: customer.id,
    created,
    items: [{ price: price.id }],
  });
}

function deps(windowDays = 1): SyncDeps {
  const stripe = settingsFor(env.fake, 0, { listPageSize: PAGE, backfillWindowDays: windowDays });
  return { ...env.deps(), config: { stripe } };
}

async function connected() {
  const accountId = await newAccount(env.repos());
  const connection = await connectBilling(deps(), accountId, {
    provider: "stripe",
    apiKey: TEST_KEY,
  });
  return { accountId, connectionId: connection.id };
}

async function stored(accountId: string) {
  const db = env.db();
  const ids = (table: "billing_customers" | "billing_subscriptions") =>
    db
      .selectFrom(table)
      .select(["id", "created"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute();
  return {
    customers: await ids("billing_customers"),
    subscriptions: await ids("billing_subscriptions"),
  };
}

/** The list requests (not the probes) made since `from`, with their created bounds. */
function listed(from: number, path: string) {
  return env.fake.requests
    .slice(from)
    .filter((r) => r.path === path && r.params.limit === String(PAGE) && r.params.created)
    .map((r) => r.params.created);
}

describe("windows of windowsOf", () => {
  it("cover everything once: open above and below, each bound shared by two neighbours", () => {
    const windows = windowsOf({ newest: 10 * DAY + 5, oldest: DAY + 7, estimated: 1000 }, 10, 1);
    expect(windows[0]).toEqual({ gte: 10 * DAY });
    expect(windows.at(-1)).toEqual({ lt: 2 * DAY });
    for (let i = 1; i < windows.length; i++) expect(windows[i]?.lt).toBe(windows[i - 1]?.gte);
    expect(windowsOf({ newest: 10 * DAY, oldest: DAY, estimated: 50 }, 10, 1)).toEqual([{}]);
    expect(windowsOf({ newest: 10 * DAY, oldest: DAY, estimated: 1000 }, 10, 0)).toEqual([{}]);
    // Never more windows than pages: 6 pages over 9 days make windows of 2 days, 6 of them.
    const wide = windowsOf({ newest: 10 * DAY, oldest: DAY, estimated: 30 }, 5, 1);
    expect(wide.map((w) => w.gte)).toEqual([10, 8, 6, 4, 2, undefined].map((d) => d && d * DAY));
  });
});

describe("a backfill in created windows", () => {
  it("stores every object exactly once, those created at a window's bound included", async () => {
    const { accountId, connectionId } = await connected();
    const before = env.fake.requests.length;
    const done = await runBackfill(deps(), accountId, connectionId);
    expect(done).toMatchObject({
      state: "succeeded",
      customers: times.length,
      subscriptions: times.length,
      fraction: 1,
    });
    // Listed by day: the newest window open above, the oldest open below.
    const windows = listed(before, "/v1/customers");
    expect(windows).toContainEqual({ gte: String(boundaries[3]) });
    expect(windows).toContainEqual({ gte: String(boundaries[0]), lt: String(boundaries[1]) });
    expect(windows).toContainEqual({ lt: String(boundaries[0]) });
    const rows = await stored(accountId);
    expect(rows.customers).toHaveLength(times.length);
    expect(rows.customers.map((c) => new Date(c.created ?? 0).getTime() / 1000).sort()).toEqual(
      [...times].sort(),
    );
    expect(rows.subscriptions).toHaveLength(times.length);
  });

  it("resumes a crash mid-window in that window and ends with the rows of an uninterrupted run", async () => {
    const whole = await connected();
    await runBackfill(deps(), whole.accountId, whole.connectionId);

    const crashed = await connected();
    const stop = new AbortController();
    await expect(
      runBackfill(deps(), crashed.accountId, crashed.connectionId, {
        signal: stop.signal,
        onProgress: (p) => {
          if (p.customers >= 14) stop.abort(new Error("killed"));
        },
      }),
    ).rejects.toThrow("killed");
    const left = await env.repos().billingSyncRuns.running(crashed.accountId, crashed.connectionId);
    expect(left?.phase).toBe("customers");
    expect(left?.list_plan?.at).toBeGreaterThan(0);
    expect(left?.cursor).not.toBeNull();
    const progress = { at: left?.list_plan?.at };

    const before = env.fake.requests.length;
    const resumed = await runBackfill(deps(), crashed.accountId, crashed.connectionId);
    expect(resumed).toMatchObject({ state: "succeeded", customers: times.length });
    // No probe again, and the window went on after the stored cursor.
    const customers = env.fake.requests.slice(before).filter((r) => r.path === "/v1/customers");
    expect(customers[0]?.params.starting_after).toBe(left?.cursor);
    const window = left?.list_plan?.windows[progress.at ?? 0] ?? {};
    const asParams = Object.fromEntries(Object.entries(window).map(([k, v]) => [k, String(v)]));
    expect(customers[0]?.params.created).toEqual(asParams);
    expect(customers.filter((r) => r.params.limit === "1")).toEqual([]);
    expect(await stored(crashed.accountId)).toEqual(await stored(whole.accountId));
  });

  it("stopped right after the customers, goes on with the subscriptions on resume", async () => {
    const { accountId, connectionId } = await connected();
    const stop = new AbortController();
    await expect(
      runBackfill(deps(0), accountId, connectionId, {
        signal: stop.signal,
        onProgress: (p) => {
          if (p.phase === "subscriptions") stop.abort(new Error("killed"));
        },
      }),
    ).rejects.toThrow("killed");
    const left = await env.repos().billingSyncRuns.running(accountId, connectionId);
    expect(left).toMatchObject({ phase: "subscriptions", customers_seen: times.length });
    const before = env.fake.requests.length;
    const resumed = await runBackfill(deps(0), accountId, connectionId);
    expect(resumed).toMatchObject({
      runId: left?.id,
      state: "succeeded",
      customers: times.length,
      subscriptions: times.length,
    });
    const paths = env.fake.requests.slice(before).map((r) => r.path);
    expect(paths).not.toContain("/v1/customers");
    expect((await stored(accountId)).subscriptions).toHaveLength(times.length);
  });
});

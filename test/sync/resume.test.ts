import { describe, expect, it } from "vitest";
import { runBackfill } from "../../src/sync/backfill.js";
import { connectBilling } from "../../src/sync/connect.js";
import { newAccount, syncEnvironment, TEST_KEY } from "./setup.js";

// Three pages of customers and three of subscriptions.
const env = await syncEnvironment({ generatedCustomers: 250 });

async function connected() {
  const accountId = await newAccount(env.repos());
  const connection = await connectBilling(env.deps(), accountId, {
    provider: "stripe",
    apiKey: TEST_KEY,
  });
  return { accountId, connectionId: connection.id };
}

/** The rows a backfill wrote for an account, without what names the account or the moment. */
async function tables(accountId: string) {
  const db = env.db();
  const strip = (rows: object[], ...keys: string[]) =>
    JSON.parse(
      JSON.stringify(
        rows.map((row) =>
          Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k))),
        ),
      ),
    );
  const common = ["account_id", "connection_id", "synced_at"];
  return {
    customers: strip(
      await db
        .selectFrom("billing_customers")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("id")
        .execute(),
      ...common,
    ),
    subscriptions: strip(
      await db
        .selectFrom("billing_subscriptions")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("id")
        .execute(),
      ...common,
    ),
    cancellations: strip(
      await db
        .selectFrom("cancellations")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("subscription_id")
        .execute(),
      ...common,
      "id",
      "reason_id",
      "created_at",
      "updated_at",
    ),
  };
}

describe("a backfill stopped halfway", () => {
  it("resumes after its last stored page and ends with the rows of an uninterrupted run", async () => {
    const whole = await connected();
    const uninterrupted = await runBackfill(env.deps(), whole.accountId, whole.connectionId);
    expect(uninterrupted).toMatchObject({ state: "succeeded", customers: 250, subscriptions: 250 });
    const expected = await tables(whole.accountId);
    expect(expected.cancellations.length).toBeGreaterThan(0);

    const halves = await connected();
    const stop = new AbortController();
    let pages = 0;
    await expect(
      runBackfill(env.deps(), halves.accountId, halves.connectionId, {
        signal: stop.signal,
        onProgress: () => {
          if (++pages === 4) stop.abort(new Error("killed"));
        },
      }),
    ).rejects.toThrow("killed");
    const left = await env.repos().billingSyncRuns.running(halves.accountId, halves.connectionId);
    expect(left).toMatchObject({
      phase: "subscriptions",
      customers_seen: 250,
      subscriptions_seen: 100,
    });
    const requestsBefore = env.fake.requests.length;
    const resumed = await runBackfill(env.deps(), halves.accountId, halves.connectionId);
    expect(resumed).toMatchObject({
      runId: left?.id,
      state: "succeeded",
      customers: 250,
      subscriptions: 250,
    });
    // Two subscription pages left: no customer listed again.
    const paths = env.fake.requests.slice(requestsBefore).map((r) => r.path);
    expect(paths.filter((p) => p === "/v1/customers")).toEqual([]);
    expect(paths.filter((p) => p === "/v1/subscriptions")).toHaveLength(2);
    expect(await tables(halves.accountId)).toEqual(expected);
  });

  it("waits out a 429 with Retry-After and still succeeds", async () => {
    const { accountId, connectionId } = await connected();
    const sleepsBefore = env.clock.sleeps.length;
    env.fake.inject(
      { kind: "rate_limit", retryAfterSeconds: 3 },
      { times: 2, path: "/v1/subscriptions" },
    );
    const done = await runBackfill(env.deps(), accountId, connectionId);
    expect(done).toMatchObject({ state: "succeeded", subscriptions: 250 });
    expect(env.clock.sleeps.slice(sleepsBefore)).toEqual(expect.arrayContaining([3000, 3000]));
  });

  it("records a run failed by the provider as failed, with its code, never succeeded", async () => {
    const { accountId, connectionId } = await connected();
    env.fake.inject({ kind: "server_error", status: 400 }, { times: 1, path: "/v1/customers" });
    await expect(runBackfill(env.deps(), accountId, connectionId)).rejects.toMatchObject({
      code: "request_failed",
    });
    const run = await env.repos().billingSyncRuns.latest(accountId, connectionId);
    expect(run).toMatchObject({ state: "failed", error: { code: "request_failed" } });
    const connection = await env.repos().billingConnections.get(accountId, connectionId);
    expect(connection?.last_error).toMatchObject({ code: "request_failed" });
  });
});

import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/errors.js";
import { billingDatabase, connectedAccount } from "./setup.js";

const { db, repos } = billingDatabase();

const customer = (connection: { id: string; account_id: string }, id: string) => ({
  connection_id: connection.id,
  account_id: connection.account_id,
  id,
  test_mode: true,
  email: `${id}@example.com`,
  name: null,
  created: new Date("2026-03-01T00:00:00Z"),
  deleted: false,
  raw: { id },
});

/** As a process that stopped mid-run leaves it: running, not written to for a while. */
async function leftBehind(runId: string, minutes: number) {
  await sql`update billing_sync_runs set updated_at = now() - ${minutes}::integer * interval '1 minute'
    where id = ${runId}`.execute(db());
}

describe("a sync run", () => {
  it("runs one at a time per connection: a second start is refused with 409", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    const cursor = { eventId: "evt_1", created: 1_790_000_000 };
    const run = await r.billingSyncRuns.start(accountId, connection.id, cursor);
    expect(run).toMatchObject({
      state: "running",
      phase: "customers",
      cursor: null,
      event_cursor: cursor,
      customers_seen: 0,
      subscriptions_seen: 0,
      requests_made: 0,
    });
    const second = r.billingSyncRuns.start(accountId, connection.id, null);
    await expect(second).rejects.toMatchObject({ code: "billing_sync_running" });
    expect(AppError.from(await second.catch((e) => e)).status).toBe(409);
    expect((await r.billingSyncRuns.running(accountId, connection.id))?.id).toBe(run?.id);

    // Another connection runs beside it.
    const other = await connectedAccount(r);
    await expect(
      r.billingSyncRuns.start(other.accountId, other.connection.id, null),
    ).resolves.toMatchObject({
      state: "running",
    });
  });

  it("stores its progress with the page's rows in one transaction, and neither when it fails", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    const run = await r.billingSyncRuns.start(accountId, connection.id, null);
    const runId = run?.id as string;

    await r.transaction(async (t) => {
      await t.billingCustomers.upsertMany([
        customer(connection, "cus_a"),
        customer(connection, "cus_b"),
      ]);
      await t.billingSyncRuns.progress(runId, {
        phase: "customers",
        cursor: "cus_b",
        added: { customers: 2, requests: 1 },
        oldestCreated: new Date("2026-03-01T00:00:00Z"),
      });
    });
    await r.transaction(async (t) => {
      await t.billingCustomers.upsertMany([customer(connection, "cus_c")]);
      await t.billingSyncRuns.progress(runId, {
        phase: "customers",
        cursor: "cus_c",
        added: { customers: 1, requests: 1 },
      });
    });
    const failedPage = r.transaction(async (t) => {
      await t.billingCustomers.upsertMany([customer(connection, "cus_d")]);
      await t.billingSyncRuns.progress(runId, {
        phase: "customers",
        cursor: "cus_d",
        added: { customers: 1, requests: 1 },
      });
      throw new Error("the process stops here");
    });
    await expect(failedPage).rejects.toThrow("the process stops here");

    const stored = await r.billingSyncRuns.get(accountId, runId);
    expect(stored).toMatchObject({
      phase: "customers",
      cursor: "cus_c",
      customers_seen: 3,
      requests_made: 2,
      oldest_created: new Date("2026-03-01T00:00:00Z"),
    });
    expect(await r.billingCustomers.get(accountId, connection.id, "cus_d")).toBeUndefined();
    expect(stored?.updated_at.getTime()).toBeGreaterThanOrEqual(stored?.started_at.getTime() ?? 0);
  });

  it("left running by a stopped process is found to resume, from its phase and cursor", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    const cursor = { eventId: "evt_7", created: 1_790_000_000 };
    const run = await r.billingSyncRuns.start(accountId, connection.id, cursor);
    const runId = run?.id as string;
    await r.billingSyncRuns.progress(runId, {
      phase: "subscriptions",
      cursor: "sub_42",
      added: { subscriptions: 100 },
    });
    // Written to just now: its process is alive.
    expect(await r.billingSyncRuns.resumable(accountId, connection.id)).toBeUndefined();

    await leftBehind(runId, 10);
    const resumable = await r.billingSyncRuns.resumable(accountId, connection.id);
    expect(resumable).toMatchObject({
      id: runId,
      phase: "subscriptions",
      cursor: "sub_42",
      subscriptions_seen: 100,
      event_cursor: cursor,
    });
    // Resuming is carrying on with it, not starting another.
    await expect(r.billingSyncRuns.start(accountId, connection.id, null)).rejects.toMatchObject({
      code: "billing_sync_running",
    });
    expect(
      await r.billingSyncRuns.progress(runId, { phase: "subscriptions", cursor: "sub_99" }),
    ).toBe(true);
    expect(await r.billingSyncRuns.resumable(accountId, connection.id)).toBeUndefined();
  });

  it("finishes as succeeded, failed with its error, or canceled, once; then another may start", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    const first = await r.billingSyncRuns.start(accountId, connection.id, null);
    await r.billingSyncRuns.progress(first?.id as string, { phase: "events", cursor: "x" });
    const succeeded = await r.billingSyncRuns.finish(first?.id as string, { state: "succeeded" });
    expect(succeeded).toMatchObject({
      state: "succeeded",
      phase: "done",
      cursor: null,
      error: null,
    });
    expect(succeeded?.finished_at).toBeInstanceOf(Date);
    // Over: neither finished again nor moved on.
    expect(
      await r.billingSyncRuns.finish(first?.id as string, { state: "canceled" }),
    ).toBeUndefined();
    expect(
      await r.billingSyncRuns.progress(first?.id as string, { phase: "events", cursor: "y" }),
    ).toBe(false);

    const second = await r.billingSyncRuns.start(accountId, connection.id, null);
    const error = { code: "invalid_key", message: "Stripe refused the key." };
    expect(
      await r.billingSyncRuns.finish(second?.id as string, { state: "failed", error }),
    ).toMatchObject({
      state: "failed",
      phase: "customers",
      error,
    });

    const third = await r.billingSyncRuns.start(accountId, connection.id, null);
    expect(
      await r.billingSyncRuns.finish(third?.id as string, { state: "canceled" }),
    ).toMatchObject({
      state: "canceled",
    });
    expect((await r.billingSyncRuns.latest(accountId, connection.id))?.id).toBe(third?.id);
    expect(await r.billingSyncRuns.running(accountId, connection.id)).toBeUndefined();
  });
});

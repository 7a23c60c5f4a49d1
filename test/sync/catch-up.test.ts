import { describe, expect, it } from "vitest";
import { runBackfill } from "../../src/sync/backfill.js";
import { catchUp } from "../../src/sync/catch-up.js";
import { connectBilling } from "../../src/sync/connect.js";
import { newAccount, syncEnvironment, TEST_KEY } from "./setup.js";

const env = await syncEnvironment();
const DAY_MS = 86_400_000;
env.fake.test.createCustomer();

async function connected() {
  const accountId = await newAccount(env.repos());
  const connection = await connectBilling(env.deps(), accountId, {
    provider: "stripe",
    apiKey: TEST_KEY,
  });
  await runBackfill(env.deps(), accountId, connection.id);
  return { accountId, connectionId: connection.id };
}

describe("the catch-up's cursor", () => {
  it("warns with cursor_aging when the cursor nears the provider's event retention", async () => {
    const { accountId, connectionId } = await connected();
    const cursor = (await env.repos().billingConnections.get(accountId, connectionId))
      ?.event_cursor;
    expect(cursor).toBeTruthy();
    env.clock.advance(28 * DAY_MS);
    try {
      expect(await catchUp(env.deps(), accountId, connectionId)).toMatchObject({
        outcome: "caught_up",
      });
    } finally {
      env.clock.advance(-28 * DAY_MS);
    }
    const connection = await env.repos().billingConnections.get(accountId, connectionId);
    expect(connection?.last_error).toMatchObject({ code: "cursor_aging" });
    // Nothing happened since: the cursor moved on to about then, so it ages no more.
    expect(connection?.event_cursor).toMatchObject({ eventId: null });
    expect(connection?.event_cursor?.created).toBeGreaterThan(cursor?.created ?? 0);
  });

  it("records cursor_expired, starts again from now and queues a backfill", async () => {
    const { accountId, connectionId } = await connected();
    // The first backfill's job is done: a new one must be queued.
    const key = `billing.backfill:${connectionId}`;
    await env
      .db()
      .updateTable("jobs")
      .set({ status: "done" })
      .where("dedupe_key", "=", key)
      .execute();
    await env.repos().billingConnections.saveEventCursor(accountId, connectionId, {
      eventId: "evt_dropped_by_stripe",
      created: Math.floor(env.clock.now() / 1000) - 3600,
    });
    expect(await catchUp(env.deps(), accountId, connectionId)).toMatchObject({
      outcome: "cursor_expired",
    });
    const connection = await env.repos().billingConnections.get(accountId, connectionId);
    expect(connection?.last_error).toMatchObject({ code: "cursor_expired" });
    expect(connection?.event_cursor?.eventId).not.toBe("evt_dropped_by_stripe");
    const job = await env
      .db()
      .selectFrom("jobs")
      .select(["status", "kind"])
      .where("dedupe_key", "=", key)
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ status: "pending", kind: "billing.backfill" });
  });
});

import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { billingDatabase, connectedAccount } from "./setup.js";

const { db, repos } = billingDatabase();

const event = (id: string) => ({
  id,
  type: "customer.subscription.updated",
  created: 1_790_000_000,
});

async function stored(connectionId: string, id: string) {
  return db()
    .selectFrom("provider_events")
    .selectAll()
    .where("connection_id", "=", connectionId)
    .where("id", "=", id)
    .executeTakeFirst();
}

describe("a provider event", () => {
  it("is claimed once however many claim it at once", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        r.providerEvents.claim(
          connection.id,
          accountId,
          event("evt_1"),
          i % 2 ? "webhook" : "catch_up",
        ),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await stored(connection.id, "evt_1")).toMatchObject({
      account_id: accountId,
      type: "customer.subscription.updated",
      created: new Date(1_790_000_000 * 1000),
      processed_at: null,
    });

    await r.providerEvents.markProcessed(connection.id, "evt_1");
    expect((await stored(connection.id, "evt_1"))?.processed_at).toBeInstanceOf(Date);
    expect(await r.providerEvents.claim(connection.id, accountId, event("evt_1"), "webhook")).toBe(
      false,
    );
    // The same event id of another connection is another event.
    const other = await connectedAccount(r);
    expect(
      await r.providerEvents.claim(other.connection.id, other.accountId, event("evt_1"), "webhook"),
    ).toBe(true);
  });

  it("released after a failed processing is claimed again by a retry; a processed one is not released", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    expect(await r.providerEvents.claim(connection.id, accountId, event("evt_2"), "webhook")).toBe(
      true,
    );
    expect(await r.providerEvents.claim(connection.id, accountId, event("evt_2"), "webhook")).toBe(
      false,
    );
    await r.providerEvents.release(connection.id, "evt_2");
    expect(await r.providerEvents.claim(connection.id, accountId, event("evt_2"), "catch_up")).toBe(
      true,
    );
    expect((await stored(connection.id, "evt_2"))?.source).toBe("catch_up");

    await r.providerEvents.markProcessed(connection.id, "evt_2");
    await r.providerEvents.release(connection.id, "evt_2");
    expect(await r.providerEvents.claim(connection.id, accountId, event("evt_2"), "webhook")).toBe(
      false,
    );
  });

  it("claimed by a worker that stopped before processing it may be claimed again after a while", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    expect(await r.providerEvents.claim(connection.id, accountId, event("evt_3"), "webhook")).toBe(
      true,
    );
    await sql`update provider_events set claimed_at = now() - interval '11 minutes'
      where id = 'evt_3'`.execute(db());
    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        r.providerEvents.claim(connection.id, accountId, event("evt_3"), "catch_up"),
      ),
    );
    expect(again.filter(Boolean)).toHaveLength(1);
  });

  it("is pruned once older than the days kept, processed or not", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    for (const id of ["evt_old_1", "evt_old_2", "evt_new"]) {
      await r.providerEvents.claim(connection.id, accountId, event(id), "webhook");
    }
    await r.providerEvents.markProcessed(connection.id, "evt_old_1");
    await sql`update provider_events set received_at = now() - interval '46 days'
      where id like 'evt_old_%'`.execute(db());
    expect(await r.providerEvents.prune(45, 1)).toBe(1);
    expect(await r.providerEvents.prune(45)).toBe(1);
    expect(await r.providerEvents.prune(45)).toBe(0);
    expect(await stored(connection.id, "evt_new")).toBeDefined();
    expect(await stored(connection.id, "evt_old_1")).toBeUndefined();
    // Pruned, it is news again.
    expect(
      await r.providerEvents.claim(connection.id, accountId, event("evt_old_2"), "catch_up"),
    ).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import type { BillingSubscriptionRow } from "../../../src/db/schema.js";
import { testEngine } from "../../helpers/database.js";
import { billingDatabase, connectedAccount, snapshot } from "./setup.js";

const { repos } = billingDatabase();

/** A row without the time it was written: what two syncs of the same data agree on. */
const content = ({ synced_at: _, ...row }: BillingSubscriptionRow) => row;

describe("a subscription's stored state", () => {
  it("is never overwritten by an older snapshot: by milliseconds, and a fetch beats an event of the same one", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    const first = await r.billingSubscriptions.apply(
      snapshot(connection, { observed_at_ms: 2_000, status: "active" }),
    );
    expect(first).toMatchObject({ previous: null, applied: true, current: { status: "active" } });

    // An event made before that fetch arrives late.
    const late = await r.billingSubscriptions.apply(
      snapshot(connection, { observed_at_ms: 1_999, observed_source: "event", status: "canceled" }),
    );
    expect(late.applied).toBe(false);
    expect(late.current).toEqual(first.current);
    // An event of the fetch's very millisecond loses to it.
    const same = await r.billingSubscriptions.apply(
      snapshot(connection, { observed_at_ms: 2_000, observed_source: "event", status: "past_due" }),
    );
    expect(same.applied).toBe(false);
    expect((await r.billingSubscriptions.get(accountId, connection.id, "sub_1"))?.status).toBe(
      "active",
    );

    // Newer news wins, and a fetch wins over an event of its millisecond.
    const newer = await r.billingSubscriptions.apply(
      snapshot(connection, { observed_at_ms: 3_000, observed_source: "event", status: "past_due" }),
    );
    expect(newer).toMatchObject({
      applied: true,
      previous: { status: "active", observed_at_ms: 2_000 },
      current: { status: "past_due", observed_at_ms: 3_000, observed_source: "event" },
    });
    const fetched = await r.billingSubscriptions.apply(
      snapshot(connection, { observed_at_ms: 3_000, status: "canceled", mrr_amount: 0 }),
    );
    expect(fetched).toMatchObject({
      applied: true,
      current: { status: "canceled", observed_source: "fetch", mrr_amount: 0, monthly_value: 1000 },
    });

    // A backfill page holding an older copy leaves the newer state too.
    expect(
      await r.billingSubscriptions.upsertMany([
        snapshot(connection, { observed_at_ms: 2_500, status: "active" }),
      ]),
    ).toBe(0);
    expect(await r.billingSubscriptions.get(accountId, connection.id, "sub_1")).toMatchObject({
      status: "canceled",
      observed_at_ms: 3_000,
    });
  });

  it("stored from the same page twice is the same rows; a page repeating an id keeps its newest", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    const page = [
      snapshot(connection, { id: "sub_a", customer_id: "cus_a" }),
      snapshot(connection, {
        id: "sub_b",
        customer_id: "cus_b",
        cancel_at_period_end: true,
        cancel_at: new Date("2027-01-01T00:00:00Z"),
        cancellation_details: {
          reason: "cancellation_requested",
          feedback: "too_expensive",
          comment: "pricey",
        },
      }),
      snapshot(connection, {
        id: "sub_c",
        customer_id: "cus_c",
        status: "trialing",
        mrr_amount: 0,
      }),
    ];
    expect(await r.billingSubscriptions.upsertMany(page)).toBe(3);
    const read = () =>
      Promise.all(page.map((s) => r.billingSubscriptions.get(accountId, connection.id, s.id)));
    const once = await read();
    expect(await r.billingSubscriptions.upsertMany(page)).toBe(3);
    const twice = await read();
    expect(twice.map((row) => content(row as BillingSubscriptionRow))).toEqual(
      once.map((row) => content(row as BillingSubscriptionRow)),
    );
    expect(twice[1]).toMatchObject({
      cancel_at_period_end: true,
      cancellation_details: { feedback: "too_expensive", comment: "pricey" },
      items: [
        { priceId: "price_1", plan: "Pro", quantity: 1, interval: "month", intervalCount: 1 },
      ],
      raw: { id: "sub_b", object: "subscription" },
    });

    await r.billingSubscriptions.upsertMany([
      snapshot(connection, { id: "sub_d", observed_at_ms: 5_000, status: "past_due" }),
      snapshot(connection, { id: "sub_d", observed_at_ms: 4_000, status: "active" }),
    ]);
    expect((await r.billingSubscriptions.get(accountId, connection.id, "sub_d"))?.status).toBe(
      "past_due",
    );
  });

  it(`applied by many workers at once takes turns, and the newest wins (${testEngine}: ${testEngine === "postgres" ? "in parallel" : "serial"})`, async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    await r.billingSubscriptions.apply(snapshot(connection, { observed_at_ms: 0 }));
    // Twenty snapshots, newest in the middle, all at once.
    const times = [7, 3, 12, 18, 1, 9, 20, 5, 14, 2, 16, 11, 6, 19, 4, 13, 8, 17, 10, 15].map(
      (n) => n * 1_000,
    );
    const results = await Promise.all(
      times.map((ms) =>
        r.billingSubscriptions.apply(
          snapshot(connection, { observed_at_ms: ms, mrr_amount: ms, observed_source: "event" }),
        ),
      ),
    );
    const stored = await r.billingSubscriptions.get(accountId, connection.id, "sub_1");
    expect(stored).toMatchObject({ observed_at_ms: 20_000, mrr_amount: 20_000 });

    // Each applied one saw the one applied before it: none read a state another had replaced.
    const applied = results
      .filter((result) => result.applied)
      .sort((a, b) => a.current.observed_at_ms - b.current.observed_at_ms);
    expect(applied.at(-1)?.current.observed_at_ms).toBe(20_000);
    let before = 0;
    for (const result of applied) {
      expect(result.previous?.observed_at_ms).toBe(before);
      before = result.current.observed_at_ms;
    }
    for (const result of results.filter((x) => !x.applied)) {
      expect(result.current.observed_at_ms).toBeGreaterThan(
        times[results.indexOf(result)] as number,
      );
    }
  });

  it("totals MRR per currency, live and test apart, disconnected connections left out", async () => {
    const r = repos();
    const { accountId, connection: live } = await connectedAccount(r, "live");
    const test = await r.billingConnections.create(accountId, {
      provider: "stripe",
      mode: "test",
      apiKey: "rk_test_x",
    });
    await r.billingSubscriptions.upsertMany([
      snapshot(live, { id: "sub_1", customer_id: "cus_1", mrr_amount: 1000 }),
      snapshot(live, {
        id: "sub_2",
        customer_id: "cus_1",
        mrr_amount: 2550,
        created: new Date("2026-06-01"),
      }),
      snapshot(live, { id: "sub_3", customer_id: "cus_2", currency: "eur", mrr_amount: 900 }),
      snapshot(live, { id: "sub_4", customer_id: "cus_3", status: "canceled", mrr_amount: 0 }),
      snapshot(test, { id: "sub_t", customer_id: "cus_1", mrr_amount: 99_900 }),
    ]);
    expect(await r.billingSubscriptions.mrrTotals(accountId, false)).toEqual([
      { currency: "eur", mrr_amount: 900, subscriptions: 1 },
      { currency: "usd", mrr_amount: 3550, subscriptions: 2 },
    ]);
    expect(await r.billingSubscriptions.mrrTotals(accountId, true)).toEqual([
      { currency: "usd", mrr_amount: 99_900, subscriptions: 1 },
    ]);
    expect(
      (await r.billingSubscriptions.listForCustomer(accountId, "cus_1", false)).map((s) => s.id),
    ).toEqual(["sub_2", "sub_1"]);
    expect(
      (await r.billingSubscriptions.listForCustomer(accountId, "cus_1", true)).map((s) => s.id),
    ).toEqual(["sub_t"]);

    // Another account's subscriptions are not counted.
    const other = await connectedAccount(r, "live");
    await r.billingSubscriptions.upsertMany([snapshot(other.connection, { mrr_amount: 5 })]);
    expect(await r.billingSubscriptions.mrrTotals(accountId, false)).toHaveLength(2);

    await r.billingConnections.disconnect(accountId, live.id);
    expect(await r.billingSubscriptions.mrrTotals(accountId, false)).toEqual([]);
    expect(await r.billingSubscriptions.listForCustomer(accountId, "cus_1", false)).toEqual([]);
  });
});

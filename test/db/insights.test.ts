import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { seedDemoEvents } from "../../src/db/demo-data.js";
import { newId } from "../../src/db/ids.js";
import { insightsSummary } from "../../src/db/queries/insights-summary.js";
import { reasonTrend } from "../../src/db/queries/reason-trend.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createEventsRepository } from "../../src/db/repositories/events.js";
import { createReasonsRepository } from "../../src/db/repositories/reasons.js";
import type { EventKind, NewEvent } from "../../src/db/schema.js";
import { createEventWriter } from "../../src/server/event-writer.js";
import { createTestDatabase } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const KEY = "account_id, day, kind, reason_id, plan, test_mode, currency";

/** The rollups as the triggers keep them, and as a plain count over the events gives them. */
async function rollupsVsPlainCount(accountId: string) {
  const db = database.db;
  const rollups = await sql<Record<string, unknown>>`
    select ${sql.raw(KEY.replace("day", "to_char(day, 'YYYY-MM-DD') as day"))},
           events, mrr_amount::bigint as mrr
    from event_rollups_daily
    where account_id = ${accountId} and (events <> 0 or mrr_amount <> 0)
    order by ${sql.raw(KEY)}`.execute(db);
  const plain = await sql<Record<string, unknown>>`
    select account_id, to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD') as day, kind,
           coalesce(reason_id, '') as reason_id, coalesce(plan, '') as plan, test_mode,
           coalesce(mrr_currency, '') as currency,
           count(*)::integer as events, coalesce(sum(mrr_amount), 0)::bigint as mrr
    from events
    where account_id = ${accountId} and not install_check
    group by 1, 2, 3, 4, 5, 6, 7
    order by 1, 2, 3, 4, 5, 6, 7`.execute(db);
  const normalise = (rows: Record<string, unknown>[]) =>
    rows.map((r) => ({ ...r, events: Number(r.events), mrr: Number(r.mrr) }));
  return { rollups: normalise(rollups.rows), plain: normalise(plain.rows) };
}

function row(
  accountId: string,
  kind: EventKind,
  at: string,
  extra: Partial<NewEvent> = {},
): NewEvent {
  const id = newId("evt");
  return {
    account_id: accountId,
    id,
    kind,
    source: "api",
    reason_id: null,
    reason_text: null,
    comment: null,
    // A customer of its own: lost MRR counts once per customer (test/db/cancellations).
    customer_oid: `cus_${id}`,
    subscription_oids: [],
    test_mode: false,
    idempotency_key: null,
    locale: null,
    mrr_amount: null,
    mrr_currency: null,
    created_at: new Date(at),
    ...extra,
  };
}

describe("rollups stay equal to a plain count of the events", () => {
  it("through ingest, bulk inserts, updates, the install check and deletes", async () => {
    const db = database.db;
    const { account } = await createAccountsRepository(db, { secrets: testSecrets }).create(
      "Rollups",
    );
    const [r1, r2] = await createReasonsRepository(db).list(account.id);
    const writer = createEventWriter(createEventsRepository(db));
    const ingest = (kind: EventKind, reasonId: string | null, testMode: boolean) =>
      writer.record({
        account_id: account.id,
        id: newId("evt"),
        kind,
        source: "widget",
        reason_id: reasonId,
        reason_text: reasonId ? "text" : null,
        comment: null,
        customer_oid: "cus_1",
        subscription_oids: [],
        test_mode: testMode,
        idempotency_key: newId("evt"),
        locale: null,
        mrr_amount: null,
        mrr_currency: null,
        plan: null,
      });
    await Promise.all([
      ingest("answer", r1?.id ?? null, false), // becomes the install check
      ingest("answer", r1?.id ?? null, false),
      ingest("skip", null, false),
      ingest("dismissal", null, true),
      ingest("answer", r2?.id ?? null, true),
    ]);
    await seedDemoEvents(db, account.id, 400, 7);
    // The billing sync fills in MRR and plan later; a reason gets corrected.
    await db
      .updateTable("events")
      .set({ mrr_amount: 12_300, mrr_currency: "eur", plan: "Pro" })
      .where("account_id", "=", account.id)
      .where("source", "=", "widget")
      .where("customer_oid", "=", "cus_1")
      .execute();
    await db
      .updateTable("events")
      .set({ reason_id: r2?.id ?? null })
      .where("account_id", "=", account.id)
      .where("reason_id", "=", r1?.id ?? "")
      .where("created_at", "<", new Date(Date.now() - 100 * 86_400_000))
      .execute();
    await db
      .deleteFrom("events")
      .where("account_id", "=", account.id)
      .where("kind", "=", "dismissal")
      .where("created_at", "<", new Date(Date.now() - 200 * 86_400_000))
      .execute();

    const { rollups, plain } = await rollupsVsPlainCount(account.id);
    expect(plain.length).toBeGreaterThan(50);
    expect(rollups).toEqual(plain);
    const installCheck = await db
      .selectFrom("events")
      .select("id")
      .where("account_id", "=", account.id)
      .where("install_check", "=", true)
      .execute();
    expect(installCheck).toHaveLength(1);
  });
});

describe("insights summary", () => {
  it("counts, coverage, lost MRR and reasons for a period against the one before", async () => {
    const db = database.db;
    const { account } = await createAccountsRepository(db, { secrets: testSecrets }).create(
      "Summary",
    );
    const [expensive, features, competitor] = await createReasonsRepository(db).list(account.id);
    const money = (amount: number) => ({ mrr_amount: amount, mrr_currency: "usd" });
    const answer = (reasonId: string | undefined, at: string, amount: number, extra = {}) =>
      row(account.id, "answer", at, {
        reason_id: reasonId,
        reason_text: "x",
        ...money(amount),
        ...extra,
      });
    await db
      .insertInto("events")
      .values([
        // Current period: 2026-03-01 .. 2026-03-10
        answer(expensive?.id, "2026-03-01T10:00:00Z", 5000, { plan: "Pro" }),
        answer(expensive?.id, "2026-03-05T10:00:00Z", 5000, { plan: "Starter" }),
        answer(features?.id, "2026-03-10T23:59:00Z", 20000, { plan: "Pro" }),
        row(account.id, "skip", "2026-03-03T00:00:00Z", money(1000)),
        row(account.id, "dismissal", "2026-03-04T00:00:00Z", money(9999)),
        answer(competitor?.id, "2026-03-06T00:00:00Z", 700, { test_mode: true }),
        answer(competitor?.id, "2026-03-07T00:00:00Z", 800, { install_check: true }),
        // Previous period: 2026-02-19 .. 2026-02-28
        answer(features?.id, "2026-02-20T00:00:00Z", 3000),
        // Outside both
        answer(features?.id, "2026-03-11T00:00:00Z", 3000),
        answer(features?.id, "2026-02-18T23:59:59Z", 3000),
      ])
      .execute();

    const summary = await insightsSummary(db, {
      accountId: account.id,
      from: "2026-03-01",
      to: "2026-03-10",
    });
    expect(summary.current).toEqual({
      cancellations: 4,
      answers: 3,
      skips: 1,
      dismissals: 1,
      coverage: 0.75,
      lostMrr: [{ currency: "usd", amount: 31000 }],
    });
    expect(summary.previous).toMatchObject({ cancellations: 1, answers: 1, coverage: 1 });
    expect(summary.reasons.slice(0, 2)).toEqual([
      {
        reasonId: expensive?.id,
        text: "Too expensive",
        archived: false,
        answers: 2,
        share: 2 / 3,
        lostMrr: [{ currency: "usd", amount: 10000 }],
      },
      expect.objectContaining({ reasonId: features?.id, answers: 1, share: 1 / 3 }),
    ]);

    const withTest = await insightsSummary(db, {
      accountId: account.id,
      from: "2026-03-01",
      to: "2026-03-10",
      includeTest: true,
    });
    expect(withTest.current.answers).toBe(4);

    const proOnly = await insightsSummary(db, {
      accountId: account.id,
      from: "2026-03-01",
      to: "2026-03-10",
      plans: ["Pro"],
    });
    expect(proOnly.current).toMatchObject({ answers: 2, cancellations: 2 });
    expect(proOnly.current.lostMrr).toEqual([{ currency: "usd", amount: 25000 }]);

    const oneReason = await insightsSummary(db, {
      accountId: account.id,
      from: "2026-03-01",
      to: "2026-03-10",
      reasonIds: [features?.id ?? ""],
    });
    expect(oneReason.current.answers).toBe(1);
  });

  it("trend per reason by week and by month", async () => {
    const db = database.db;
    const { account } = await createAccountsRepository(db, { secrets: testSecrets }).create(
      "Trend",
    );
    const [a, b] = await createReasonsRepository(db).list(account.id);
    const answer = (reasonId: string | undefined, at: string) =>
      row(account.id, "answer", at, {
        reason_id: reasonId,
        reason_text: "x",
        mrr_amount: 100,
        mrr_currency: "usd",
      });
    await db
      .insertInto("events")
      .values([
        answer(a?.id, "2026-03-02T00:00:00Z"), // Monday
        answer(a?.id, "2026-03-08T00:00:00Z"), // Sunday, same ISO week
        answer(b?.id, "2026-03-09T00:00:00Z"), // next Monday
        answer(a?.id, "2026-04-01T00:00:00Z"),
      ])
      .execute();
    const filter = { accountId: account.id, from: "2026-03-01", to: "2026-04-30" };
    const weekly = await reasonTrend(db, filter, "week");
    expect(weekly.filter((p) => p.reasonId === a?.id)).toEqual([
      { bucket: "2026-03-02", reasonId: a?.id, answers: 2, mrr: 200 },
      { bucket: "2026-03-30", reasonId: a?.id, answers: 1, mrr: 100 },
    ]);
    const monthly = await reasonTrend(db, filter, "month");
    expect(monthly).toEqual(
      expect.arrayContaining([
        { bucket: "2026-03-01", reasonId: a?.id, answers: 2, mrr: 200 },
        { bucket: "2026-03-01", reasonId: b?.id, answers: 1, mrr: 100 },
        { bucket: "2026-04-01", reasonId: a?.id, answers: 1, mrr: 100 },
      ]),
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import { answerCoverage } from "../../../src/db/queries/answer-coverage.js";
import {
  cancellationsByPath,
  cancellationsByPlan,
  cancellationsByTenure,
} from "../../../src/db/queries/cancellation-breakdowns.js";
import { insightsSummary } from "../../../src/db/queries/insights-summary.js";
import { lostMrrByReason } from "../../../src/db/queries/lost-mrr-by-reason.js";
import { reactivations } from "../../../src/db/queries/reactivations.js";
import { DEFAULT_LINK_WINDOW_DAYS as WINDOW } from "../../../src/db/repositories/cancellation-answers.js";
import type { RecordCancellation } from "../../../src/db/repositories/cancellations.js";
import type { Reason } from "../../../src/db/schema.js";
import { createTestDatabase } from "../../helpers/database.js";
import { accountWithReasons, cancellation, storeAnswer } from "./fixtures.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const MARCH = { from: "2026-03-01", to: "2026-03-31" };
const usd = (amount: number) => ({ amount, currency: "usd" });

/** An account, and a way to record cancellations linked to the answers around them. */
async function setUp() {
  const { accountId, reasons, repos } = await accountWithReasons(database);
  const [expensive, features] = reasons as [Reason, Reason, ...Reason[]];
  const cancel = async (extra: Partial<RecordCancellation>) => {
    const { cancellation: row } = await repos.cancellations.record(cancellation(accountId, extra));
    await repos.cancellationAnswers.linkAnswers(row, WINDOW);
    return row;
  };
  const answer = (reason: Reason, extra: Parameters<typeof storeAnswer>[2] = {}) =>
    storeAnswer(database, accountId, { reason_id: reason.id, reason_text: reason.text, ...extra });
  const lost = (extra: { testMode?: boolean | null; plans?: string[] } = {}) =>
    lostMrrByReason(database.db, { accountId, ...MARCH, testMode: false, ...extra });
  return { accountId, repos, expensive, features, cancel, answer, lost };
}

describe("lost MRR by reason", () => {
  it("a customer who answers twice about one cancellation counts once, under the newest answer", async () => {
    const { expensive, features, cancel, answer, lost } = await setUp();
    await answer(expensive, { created_at: new Date("2026-03-09T10:00:00Z") });
    await answer(features, { created_at: new Date("2026-03-10T10:00:00Z") });
    await cancel({ lost_mrr: usd(5000) });
    expect(await lost()).toEqual([
      { reasonId: features.id, currency: "usd", amount: 5000, losses: 1 },
    ]);
  });

  it("two subscriptions of one customer count both", async () => {
    const { features, cancel, answer, lost } = await setUp();
    await answer(features, { subscription_oids: ["sub_1", "sub_2"] });
    await cancel({ subscription_id: "sub_1", lost_mrr: usd(5000) });
    await cancel({ subscription_id: "sub_2", lost_mrr: usd(2000) });
    expect(await lost()).toEqual([
      { reasonId: features.id, currency: "usd", amount: 7000, losses: 2 },
    ]);
  });

  it("keeps payment failures, reactivations, other months and test data out of live churn", async () => {
    const { accountId, repos, cancel, lost } = await setUp();
    await cancel({ subscription_id: "sub_ok", lost_mrr: usd(1000) });
    await cancel({ subscription_id: "sub_failed", path: "payment_failure", lost_mrr: usd(2000) });
    await cancel({ subscription_id: "sub_back", lost_mrr: usd(4000) });
    await repos.cancellations.reactivate({
      account_id: accountId,
      connection_id: "bcn_test",
      subscription_id: "sub_back",
    });
    await cancel({
      subscription_id: "sub_april",
      requested_at: new Date("2026-04-01T00:00:00Z"),
      lost_mrr: usd(8000),
    });
    await cancel({ subscription_id: "sub_test", test_mode: true, lost_mrr: usd(16000) });
    expect(await lost()).toEqual([{ reasonId: null, currency: "usd", amount: 1000, losses: 1 }]);
    expect(await lost({ testMode: true })).toEqual([
      { reasonId: null, currency: "usd", amount: 16000, losses: 1 },
    ]);
    expect(await lost({ testMode: null })).toEqual([
      { reasonId: null, currency: "usd", amount: 17000, losses: 2 },
    ]);
  });

  it("without an answer, the reason the feedback maps to; a skip gives none", async () => {
    const { repos, expensive, cancel, lost, accountId } = await setUp();
    await cancel({ subscription_id: "sub_mapped", customer_id: "cus_m", reason_id: expensive.id });
    await cancel({ subscription_id: "sub_none", customer_id: "cus_n", lost_mrr: usd(300) });
    // A skip after the cancellation, with MRR of its own: linked, so not counted beside it.
    const skip = await storeAnswer(database, accountId, {
      kind: "skip",
      customer_oid: "cus_n",
      mrr_amount: 300,
      mrr_currency: "usd",
    });
    expect(await repos.cancellationAnswers.linkCancellations([skip], WINDOW)).toHaveLength(1);
    expect(await lost()).toEqual([
      { reasonId: expensive.id, currency: "usd", amount: 5000, losses: 1 },
      { reasonId: null, currency: "usd", amount: 300, losses: 1 },
    ]);
  });

  it("answers no cancellation explains count once per customer, with the newest's MRR", async () => {
    const { expensive, features, answer, lost } = await setUp();
    const other = await accountWithReasons(database, "Other");
    const mrr = (amount: number) => ({ mrr_amount: amount, mrr_currency: "eur" });
    const at = (day: string) => ({ created_at: new Date(`2026-03-${day}T10:00:00Z`) });
    await answer(expensive, { customer_oid: "cus_a", ...at("02"), ...mrr(900), plan: "Pro" });
    await answer(features, { customer_oid: "cus_a", ...at("03"), ...mrr(1200) });
    await answer(expensive, { customer_oid: "cus_b", ...at("04"), ...mrr(500), plan: "Pro" });
    await storeAnswer(database, other.accountId, { customer_oid: "cus_b", ...mrr(700) });
    // The order of reasons is the database's collation's: compare without it.
    expect(await lost()).toEqual(
      expect.arrayContaining([
        { reasonId: expensive.id, currency: "eur", amount: 500, losses: 1 },
        { reasonId: features.id, currency: "eur", amount: 1200, losses: 1 },
      ]),
    );
    expect(await lost()).toHaveLength(2);
    // Filters apply to what counts: cus_a's newest answer is on no plan, its older one on Pro.
    expect(await lost({ plans: ["Pro"] })).toEqual([
      { reasonId: expensive.id, currency: "eur", amount: 500, losses: 1 },
    ]);
  });

  it("the insights summary counts a customer who answers twice once", async () => {
    const { accountId, expensive, features, cancel, answer } = await setUp();
    await answer(expensive, { created_at: new Date("2026-03-09T10:00:00Z") });
    await answer(features, { created_at: new Date("2026-03-10T10:00:00Z") });
    await cancel({ lost_mrr: usd(5000) });
    const summary = await insightsSummary(database.db, { accountId, ...MARCH });
    expect(summary.current).toMatchObject({ answers: 2, lostMrr: [usd(5000)] });
    const byId = new Map(summary.reasons.map((r) => [r.reasonId, r]));
    expect(byId.get(features.id)).toMatchObject({ answers: 1, lostMrr: [usd(5000)] });
    expect(byId.get(expensive.id)).toMatchObject({ answers: 1, lostMrr: [] });
  });
});

describe("answer coverage", () => {
  it("the share of voluntary cancellations that stand with a linked answer", async () => {
    const { accountId, repos, expensive, cancel, answer } = await setUp();
    const range = { accountId, ...MARCH, testMode: false };
    expect(await answerCoverage(database.db, range)).toEqual({
      cancellations: 0,
      answered: 0,
      coverage: null,
    });
    await answer(expensive, { customer_oid: "cus_a" });
    await cancel({ subscription_id: "sub_a", customer_id: "cus_a" });
    await storeAnswer(database, accountId, { kind: "skip", customer_oid: "cus_s" });
    await cancel({ subscription_id: "sub_s", customer_id: "cus_s" });
    await cancel({ subscription_id: "sub_b", customer_id: "cus_b" });
    await cancel({ subscription_id: "sub_c", customer_id: "cus_c" });
    // Not counted: involuntary, reactivated, test.
    await cancel({ subscription_id: "sub_f", customer_id: "cus_a", path: "payment_failure" });
    await cancel({ subscription_id: "sub_r", customer_id: "cus_a" });
    await repos.cancellations.reactivate({
      account_id: accountId,
      connection_id: "bcn_test",
      subscription_id: "sub_r",
    });
    await cancel({ subscription_id: "sub_t", customer_id: "cus_a", test_mode: true });
    expect(await answerCoverage(database.db, range)).toEqual({
      cancellations: 4,
      answered: 1,
      coverage: 0.25,
    });
    expect(await answerCoverage(database.db, { ...range, testMode: true })).toEqual({
      cancellations: 1,
      answered: 0,
      coverage: 0,
    });
  });
});

describe("cancellations by path, plan and tenure, and reactivations", () => {
  it("groups the cancellations that stand, with their lost MRR per currency", async () => {
    const { accountId, repos, cancel } = await setUp();
    const requested = new Date("2026-03-15T00:00:00Z");
    const started = (iso: string) => ({
      requested_at: requested,
      subscription_created_at: new Date(iso),
    });
    await cancel({ subscription_id: "s1", path: "portal", plan: "Pro", ...started("2026-03-01") });
    await cancel({
      subscription_id: "s2",
      path: "portal",
      plan: "Pro",
      lost_mrr: { amount: 900, currency: "eur" },
      ...started("2026-02-15"),
    });
    await cancel({
      subscription_id: "s3",
      path: "provider_api",
      plan: "Starter",
      ...started("2025-12-14"),
    });
    await cancel({
      subscription_id: "s4",
      path: "payment_failure",
      plan: null,
      ...started("2025-09-15"),
    });
    await cancel({ subscription_id: "s5", path: "provider_dashboard", ...started("2025-03-15") });
    await cancel({ subscription_id: "s6", path: "provider", requested_at: requested });
    await cancel({ subscription_id: "s7", path: "portal", requested_at: requested });
    await repos.cancellations.reactivate(
      {
        account_id: accountId,
        connection_id: "bcn_test",
        subscription_id: "s7",
      },
      new Date("2026-03-20T00:00:00Z"),
    );
    const filter = { accountId, ...MARCH, testMode: false };

    expect(await cancellationsByPath(database.db, filter)).toEqual([
      { key: "portal", cancellations: 2, lostMrr: [usd(5000), { amount: 900, currency: "eur" }] },
      { key: "payment_failure", cancellations: 1, lostMrr: [usd(5000)] },
      { key: "provider", cancellations: 1, lostMrr: [usd(5000)] },
      { key: "provider_api", cancellations: 1, lostMrr: [usd(5000)] },
      { key: "provider_dashboard", cancellations: 1, lostMrr: [usd(5000)] },
    ]);
    const voluntaryPlans = await cancellationsByPlan(database.db, { ...filter, voluntary: true });
    expect(voluntaryPlans.map((r) => [r.key, r.cancellations])).toEqual([
      ["Pro", 4],
      ["Starter", 1],
    ]);
    expect(
      (await cancellationsByPlan(database.db, { ...filter, voluntary: false })).map((r) => r.key),
    ).toEqual([""]);
    const tenure = await cancellationsByTenure(database.db, filter);
    expect(tenure.map((r) => [r.key, r.cancellations])).toEqual([
      ["under_1_month", 1],
      ["1_to_3_months", 1],
      ["3_to_6_months", 1],
      ["6_to_12_months", 1],
      ["12_months_or_more", 1],
      ["unknown", 1],
    ]);
    expect(await reactivations(database.db, filter)).toEqual({
      reactivations: 1,
      keptMrr: [usd(5000)],
    });
    expect(
      await reactivations(database.db, { ...filter, from: "2020-01-01", to: "2020-01-31" }),
    ).toEqual({ reactivations: 0, keptMrr: [] });
  });
});

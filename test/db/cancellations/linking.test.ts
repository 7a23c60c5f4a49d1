import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import { DEFAULT_LINK_WINDOW_DAYS as WINDOW } from "../../../src/db/repositories/cancellation-answers.js";
import { createTestDatabase } from "../../helpers/database.js";
import {
  accountWithReasons,
  cancellation,
  daysFromRequest,
  REQUESTED,
  storeAnswer,
} from "./fixtures.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function linksOf(cancellationId: string) {
  return database.db
    .selectFrom("cancellation_answers")
    .select(["event_id", "linked_by"])
    .where("cancellation_id", "=", cancellationId)
    .orderBy("event_id")
    .execute();
}

describe("linking answers to cancellations", () => {
  it("by subscription_oids, whatever the customer and the time", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const named = await storeAnswer(database, accountId, {
      subscription_oids: ["sub_0", "sub_1"],
      customer_oid: "cus_renamed",
      created_at: daysFromRequest(-40),
    });
    // Names other subscriptions only: not this one's, even for the same customer and day.
    await storeAnswer(database, accountId, { subscription_oids: ["sub_2"] });
    const { cancellation: row } = await repos.cancellations.record(cancellation(accountId));
    const made = await repos.cancellationAnswers.linkAnswers(row, WINDOW);
    expect(made.map((l) => [l.event_id, l.linked_by])).toEqual([[named.id, "subscription_oid"]]);
  });

  it("by window: the customer's answers naming no subscription, within ±window days only", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const other = await accountWithReasons(database, "Other");
    const before = await storeAnswer(database, accountId, { created_at: daysFromRequest(-6.9) });
    const after = await storeAnswer(database, accountId, { created_at: daysFromRequest(7) });
    const skip = await storeAnswer(database, accountId, {
      kind: "skip",
      created_at: daysFromRequest(1),
    });
    const outside = [
      { created_at: daysFromRequest(-7.1) },
      { created_at: daysFromRequest(7.1) },
      { customer_oid: "cus_2" },
      { test_mode: true },
      { kind: "dismissal" as const },
      { install_check: true },
    ];
    for (const extra of outside) await storeAnswer(database, accountId, extra);
    await storeAnswer(database, other.accountId);

    const { cancellation: row } = await repos.cancellations.record(cancellation(accountId));
    const made = await repos.cancellationAnswers.linkAnswers(row, WINDOW);
    expect(made.map((l) => l.event_id).sort()).toEqual([before.id, after.id, skip.id].sort());
    expect(new Set(made.map((l) => l.linked_by))).toEqual(new Set(["window"]));
    expect(made.every((l) => l.account_id === accountId)).toBe(true);
    // A narrower window the caller passes.
    const narrow = await repos.cancellations.record(
      cancellation(accountId, { subscription_id: "sub_9" }),
    );
    const narrowLinks = await repos.cancellationAnswers.linkAnswers(narrow.cancellation, 2);
    expect(narrowLinks.map((l) => l.event_id)).toEqual([skip.id]);
  });

  it("a test-mode cancellation links test answers only", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    await storeAnswer(database, accountId);
    const testAnswer = await storeAnswer(database, accountId, { test_mode: true });
    const { cancellation: row } = await repos.cancellations.record(
      cancellation(accountId, { test_mode: true }),
    );
    const made = await repos.cancellationAnswers.linkAnswers(row, WINDOW);
    expect(made.map((l) => l.event_id)).toEqual([testAnswer.id]);
  });

  it("an answer arriving after its cancellation links the other way, by name or by window", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const { cancellation: first } = await repos.cancellations.record(cancellation(accountId));
    const { cancellation: second } = await repos.cancellations.record(
      cancellation(accountId, { subscription_id: "sub_2", requested_at: daysFromRequest(1) }),
    );
    const { cancellation: far } = await repos.cancellations.record(
      cancellation(accountId, { subscription_id: "sub_3", requested_at: daysFromRequest(-30) }),
    );
    const { cancellation: otherCustomer } = await repos.cancellations.record(
      cancellation(accountId, { subscription_id: "sub_4", customer_id: "cus_2" }),
    );
    const { cancellation: testOne } = await repos.cancellations.record(
      cancellation(accountId, { subscription_id: "sub_5", test_mode: true }),
    );

    const byWindow = await storeAnswer(database, accountId, { created_at: daysFromRequest(2) });
    const windowLinks = await repos.cancellationAnswers.linkCancellations([byWindow], WINDOW);
    expect(windowLinks.map((l) => l.cancellation_id).sort()).toEqual([first.id, second.id].sort());
    for (const unlinked of [far, otherCustomer, testOne]) {
      expect(await linksOf(unlinked.id)).toEqual([]);
    }

    const byName = await storeAnswer(database, accountId, {
      subscription_oids: ["sub_3", "sub_unknown"],
      created_at: daysFromRequest(2),
    });
    const nameLinks = await repos.cancellationAnswers.linkCancellations([byName], WINDOW);
    expect(nameLinks.map((l) => [l.cancellation_id, l.linked_by])).toEqual([
      [far.id, "subscription_oid"],
    ]);

    const dismissal = await storeAnswer(database, accountId, { kind: "dismissal" });
    expect(await repos.cancellationAnswers.linkCancellations([dismissal], WINDOW)).toEqual([]);
  });

  it("linking twice, either way, keeps the same links and makes none", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const answer = await storeAnswer(database, accountId);
    const { cancellation: row } = await repos.cancellations.record(cancellation(accountId));
    expect(await repos.cancellationAnswers.linkAnswers(row, WINDOW)).toHaveLength(1);
    const links = await linksOf(row.id);
    expect(await repos.cancellationAnswers.linkAnswers(row, WINDOW)).toEqual([]);
    expect(await repos.cancellationAnswers.linkCancellations([answer], WINDOW)).toEqual([]);
    expect(await linksOf(row.id)).toEqual(links);
    expect(links).toEqual([{ event_id: answer.id, linked_by: "window" }]);
  });

  it("an answer's cancelled subscriptions, with their MRR and plan", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const answer = await storeAnswer(database, accountId, {
      subscription_oids: ["sub_1", "sub_2"],
    });
    const lonely = await storeAnswer(database, accountId, { customer_oid: "cus_alone" });
    for (const [subscription, mrr] of [
      ["sub_1", { amount: 5000, currency: "usd" }],
      ["sub_2", null],
    ] as const) {
      const { cancellation: row } = await repos.cancellations.record(
        cancellation(accountId, {
          subscription_id: subscription,
          lost_mrr: mrr,
          plan: mrr ? "Pro" : null,
          requested_at: new Date(REQUESTED + (mrr ? 0 : 1000)),
        }),
      );
      await repos.cancellationAnswers.linkAnswers(row, WINDOW);
    }
    const found = await repos.cancellationAnswers.subscriptionsOf(accountId, [
      answer.id,
      lonely.id,
    ]);
    expect(found.get(answer.id)).toEqual([
      { id: "sub_1", mrr: { amount: 5000, currency: "usd" }, plan: "Pro" },
      { id: "sub_2", mrr: null, plan: null },
    ]);
    expect(found.get(lonely.id)).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import { DEFAULT_LINK_WINDOW_DAYS as WINDOW } from "../../../src/db/repositories/cancellation-answers.js";
import type { EventRow } from "../../../src/db/schema.js";
import { createTestDatabase } from "../../helpers/database.js";
import { accountWithReasons, cancellation, daysFromRequest, storeAnswer } from "./fixtures.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/**
 * An account with cancellations recorded before the answers arrive, and a mixed batch of
 * answers: by subscription_oids, by window, an unmatched customer, several for one customer,
 * a dismissal and an answer outside the window.
 */
async function mixedBatch() {
  const { accountId, repos } = await accountWithReasons(database);
  for (const extra of [
    { subscription_id: "sub_1", lost_mrr: { amount: 5000, currency: "usd" }, plan: "Pro" },
    { subscription_id: "sub_2", lost_mrr: { amount: 2000, currency: "usd" }, plan: "Pro" },
    { subscription_id: "sub_3", customer_id: "cus_2", plan: "Team" },
    { subscription_id: "sub_4", customer_id: "cus_3", lost_mrr: { amount: 900, currency: "eur" } },
    { subscription_id: "sub_5", customer_id: "cus_3", lost_mrr: { amount: 100, currency: "usd" } },
  ]) {
    await repos.cancellations.record(
      cancellation(accountId, { requested_at: daysFromRequest(0), ...extra }),
    );
  }
  const batch: EventRow[] = [];
  for (const extra of [
    { subscription_oids: ["sub_3", "sub_unknown"], customer_oid: "cus_other" },
    { created_at: daysFromRequest(-1) },
    { created_at: daysFromRequest(2), mrr_amount: 1, mrr_currency: "usd" },
    { kind: "skip" as const, created_at: daysFromRequest(3) },
    { customer_oid: "cus_nobody" },
    { customer_oid: "cus_3" },
    { kind: "dismissal" as const },
    { created_at: daysFromRequest(8) },
  ]) {
    batch.push(await storeAnswer(database, accountId, extra));
  }
  return { accountId, repos, batch };
}

/** Links and the answers' MRR and plan, keyed by the answer's place in the batch. */
async function outcome(accountId: string, batch: EventRow[]) {
  const links = await database.db
    .selectFrom("cancellation_answers as l")
    .innerJoin("cancellations as c", "c.id", "l.cancellation_id")
    .select(["l.event_id", "c.subscription_id", "l.linked_by"])
    .where("l.account_id", "=", accountId)
    .execute();
  const events = await database.db
    .selectFrom("events")
    .select(["id", "mrr_amount", "mrr_currency", "plan"])
    .where("account_id", "=", accountId)
    .execute();
  const place = (id: string) => batch.findIndex((e) => e.id === id);
  return {
    links: links
      .map((l) => [place(l.event_id), l.subscription_id, l.linked_by])
      .sort((a, b) => String(a).localeCompare(String(b))),
    events: events
      .map((e) => [
        place(e.id),
        e.mrr_amount === null ? null : Number(e.mrr_amount),
        e.mrr_currency,
        e.plan,
      ])
      .sort((a, b) => Number(a[0]) - Number(b[0])),
  };
}

describe("linking a batch of answers in one statement", () => {
  it("gives the same links, MRR and plans as linking each answer alone", async () => {
    const together = await mixedBatch();
    await together.repos.cancellationAnswers.linkCancellations(together.batch, WINDOW);
    const alone = await mixedBatch();
    for (const event of alone.batch) {
      await alone.repos.cancellationAnswers.linkCancellations([event], WINDOW);
    }
    const expected = await outcome(alone.accountId, alone.batch);
    expect(await outcome(together.accountId, together.batch)).toEqual(expected);
    expect(expected).toEqual({
      links: [
        [0, "sub_3", "subscription_oid"],
        [1, "sub_1", "window"],
        [1, "sub_2", "window"],
        [2, "sub_1", "window"],
        [2, "sub_2", "window"],
        [3, "sub_1", "window"],
        [3, "sub_2", "window"],
        [5, "sub_4", "window"],
        [5, "sub_5", "window"],
      ],
      events: [
        // Named: linked whatever its customer.
        [0, 5000, "usd", "Team"],
        // Two cancellations in one currency, summed.
        [1, 7000, "usd", "Pro"],
        // Its own MRR kept.
        [2, 1, "usd", "Pro"],
        [3, 7000, "usd", "Pro"],
        // Unmatched customer: nothing.
        [4, null, null, null],
        // Two currencies: no sum; one plan.
        [5, null, null, "Pro"],
        [6, null, null, null],
        [7, null, null, null],
      ],
    });
  });

  it("linking the batch again makes no links and changes nothing", async () => {
    const { accountId, repos, batch } = await mixedBatch();
    expect(await repos.cancellationAnswers.linkCancellations(batch, WINDOW)).toHaveLength(9);
    const first = await outcome(accountId, batch);
    expect(await repos.cancellationAnswers.linkCancellations(batch, WINDOW)).toEqual([]);
    expect(await outcome(accountId, batch)).toEqual(first);
  });
});

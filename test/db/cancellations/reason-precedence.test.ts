import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import { lostMrrByReason } from "../../../src/db/queries/lost-mrr-by-reason.js";
import { DEFAULT_LINK_WINDOW_DAYS as WINDOW } from "../../../src/db/repositories/cancellation-answers.js";
import type { Reason } from "../../../src/db/schema.js";
import { createTestDatabase } from "../../helpers/database.js";
import { accountWithReasons, cancellation, storeAnswer } from "./fixtures.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

type Who = "owner" | "answer" | "older answer" | "skip" | "provider";

// Each row: who gave a reason; the reason that counts and its source.
const TABLE: Array<[Who[], Who | null]> = [
  [[], null],
  [["provider"], "provider"],
  [["skip", "provider"], "provider"],
  [["answer", "provider"], "answer"],
  [["older answer", "answer"], "answer"],
  [["owner", "provider"], "owner"],
  [["owner", "answer"], "owner"],
  [["owner", "answer", "provider"], "owner"],
];

describe("the reason a cancellation is put down to", () => {
  it.each(TABLE)("given %j, the one of %s counts", async (given, winner) => {
    const { accountId, reasons, repos } = await accountWithReasons(database);
    const [owner, answer, older, provider] = reasons as [Reason, Reason, Reason, Reason];
    const byWho = { owner, answer, "older answer": older, provider, skip: undefined };
    const store = (reason: Reason | undefined, created_at: Date) =>
      storeAnswer(database, accountId, {
        kind: reason ? "answer" : "skip",
        reason_id: reason?.id ?? null,
        reason_text: reason?.text ?? null,
        created_at,
      });
    if (given.includes("older answer")) await store(older, new Date("2026-03-09T10:00:00Z"));
    if (given.includes("answer")) await store(answer, new Date("2026-03-10T10:00:00Z"));
    if (given.includes("skip")) await store(undefined, new Date("2026-03-10T11:00:00Z"));
    const { cancellation: row } = await repos.cancellations.record(
      cancellation(accountId, {
        provider_feedback: given.includes("provider") ? "too_expensive" : null,
        reason_id: given.includes("provider") ? provider.id : null,
      }),
    );
    await repos.cancellationAnswers.linkAnswers(row, WINDOW);
    if (given.includes("owner")) await repos.cancellations.setReason(accountId, row.id, owner.id);

    const expected = winner === null ? null : byWho[winner]?.id;
    const source = winner === "older answer" ? "answer" : winner;
    expect(await repos.cancellations.effectiveReason(accountId, row.id)).toMatchObject({
      reason_id: expected,
      reason_source: source,
      answer_reason_id: given.includes("answer") ? answer.id : null,
    });
    const lost = await lostMrrByReason(database.db, {
      accountId,
      from: "2026-03-01",
      to: "2026-03-31",
      testMode: false,
    });
    expect(lost.map((r) => r.reasonId)).toEqual([expected]);
  });

  it("clearing the owner's correction gives the answer back its say", async () => {
    const { accountId, reasons, repos } = await accountWithReasons(database);
    const [owner, answer] = reasons as [Reason, Reason];
    await storeAnswer(database, accountId, { reason_id: answer.id, reason_text: answer.text });
    const { cancellation: row } = await repos.cancellations.record(cancellation(accountId));
    await repos.cancellationAnswers.linkAnswers(row, WINDOW);
    const set = await repos.cancellations.setReason(accountId, row.id, owner.id);
    expect(set?.before).toMatchObject({ reason_id: answer.id, reason_source: "answer" });
    expect(set?.after).toMatchObject({ reason_id: owner.id, reason_source: "owner" });
    const cleared = await repos.cancellations.setReason(accountId, row.id, null);
    expect(cleared?.after).toMatchObject({ reason_id: answer.id, reason_source: "answer" });
  });
});

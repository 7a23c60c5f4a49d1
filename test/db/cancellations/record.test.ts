import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import { DomainError } from "../../../src/db/domain-error.js";
import { createRepositories } from "../../../src/db/repositories/index.js";
import { createTestDatabase } from "../../helpers/database.js";
import { testSecrets } from "../../helpers/secrets.js";
import { accountWithReasons, cancellation } from "./fixtures.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function rowsOf(accountId: string) {
  return database.db
    .selectFrom("cancellations")
    .selectAll()
    .where("account_id", "=", accountId)
    .execute();
}

describe("recording a cancellation", () => {
  it("is idempotent: the same sighting twice is one row, unchanged", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const first = await repos.cancellations.record(cancellation(accountId));
    const second = await repos.cancellations.record(cancellation(accountId));
    expect(first).toMatchObject({ created: true, mrrFilled: false });
    expect(first.cancellation.id).toMatch(/^can_/);
    expect(second).toEqual({ cancellation: first.cancellation, created: false, mrrFilled: false });
    expect(await rowsOf(accountId)).toHaveLength(1);
    expect(first.cancellation).toMatchObject({
      voluntary: true,
      state: "scheduled",
      lost_mrr_amount: 5000,
      lost_mrr_currency: "usd",
      ended_at: null,
    });
  });

  it("keeps the first path, request time, plan and MRR; takes the later timing and end", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    await repos.cancellations.record(cancellation(accountId));
    const later = await repos.cancellations.record(
      cancellation(accountId, {
        path: "provider_dashboard",
        timing: "immediate",
        state: "ended",
        requested_at: new Date("2026-03-12T00:00:00Z"),
        ends_at: new Date("2026-03-12T00:00:00Z"),
        ended_at: new Date("2026-03-12T00:00:05Z"),
        lost_mrr: { amount: 0, currency: "usd" },
        plan: "Free",
        provider_feedback: "too_expensive",
      }),
    );
    expect(later).toMatchObject({ created: false, mrrFilled: false });
    expect(later.cancellation).toMatchObject({
      path: "portal",
      requested_at: new Date("2026-03-10T12:00:00Z"),
      lost_mrr_amount: 5000,
      plan: "Pro",
      timing: "immediate",
      state: "ended",
      ends_at: new Date("2026-03-12T00:00:00Z"),
      ended_at: new Date("2026-03-12T00:00:05Z"),
      provider_feedback: "too_expensive",
    });
    // A late, older sighting does not reopen an ended cancellation.
    const stale = await repos.cancellations.record(cancellation(accountId));
    expect(stale.cancellation).toMatchObject({
      state: "ended",
      timing: "immediate",
      ends_at: new Date("2026-03-12T00:00:00Z"),
    });
    expect(await rowsOf(accountId)).toHaveLength(1);
  });

  it("fills lost MRR later only while it is missing, and says so once", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const withoutMrr = cancellation(accountId, { lost_mrr: null });
    expect((await repos.cancellations.record(withoutMrr)).cancellation.lost_mrr_amount).toBeNull();
    expect(await repos.cancellations.record(withoutMrr)).toMatchObject({ mrrFilled: false });

    const filled = await repos.cancellations.record(
      cancellation(accountId, { lost_mrr: { amount: 2500, currency: "eur" } }),
    );
    expect(filled).toMatchObject({ created: false, mrrFilled: true });
    expect(filled.cancellation).toMatchObject({ lost_mrr_amount: 2500, lost_mrr_currency: "eur" });

    const again = await repos.cancellations.record(
      cancellation(accountId, { lost_mrr: { amount: 9999, currency: "usd" } }),
    );
    expect(again).toMatchObject({ mrrFilled: false });
    expect(again.cancellation.lost_mrr_amount).toBe(2500);
  });

  it("payment failures are involuntary", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const { cancellation: row } = await repos.cancellations.record(
      cancellation(accountId, {
        path: "payment_failure",
        timing: "immediate",
        state: "ended",
        provider_reason: "payment_failed",
      }),
    );
    expect(row).toMatchObject({ voluntary: false, state: "ended" });
    expect(row.ended_at).toBeInstanceOf(Date);
  });

  it("reactivates a scheduled cancellation, never an ended one; the next one is a new row", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const key = { account_id: accountId, connection_id: "bcn_test", subscription_id: "sub_1" };
    const { cancellation: first } = await repos.cancellations.record(cancellation(accountId));
    const reactivated = await repos.cancellations.reactivate(key);
    expect(reactivated).toMatchObject({ id: first.id, state: "reactivated" });
    expect(reactivated?.reactivated_at).toBeInstanceOf(Date);
    expect(await repos.cancellations.reactivate(key)).toBeUndefined();

    const second = await repos.cancellations.record(
      cancellation(accountId, { requested_at: new Date("2026-03-20T00:00:00Z") }),
    );
    expect(second.created).toBe(true);
    expect(second.cancellation.id).not.toBe(first.id);
    await repos.cancellations.record(cancellation(accountId, { state: "ended" }));
    expect(await repos.cancellations.reactivate(key)).toBeUndefined();
    expect((await repos.cancellations.get(accountId, second.cancellation.id))?.state).toBe("ended");
  });

  it("keeps cancellations of other connections and of the REST API apart", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    await repos.cancellations.record(cancellation(accountId));
    await repos.cancellations.record(cancellation(accountId, { connection_id: "bcn_other" }));
    const viaApi = cancellation(accountId, { connection_id: null });
    await repos.cancellations.record(viaApi);
    expect((await repos.cancellations.record(viaApi)).created).toBe(false);
    expect(await rowsOf(accountId)).toHaveLength(3);
  });

  it("one open cancellation per subscription under concurrent sightings", async () => {
    const { accountId } = await accountWithReasons(database);
    // Separate repositories over the pool, so that on Postgres each call has its own
    // connection and transaction and they race for real.
    const calls = Array.from({ length: 8 }, (_, i) =>
      createRepositories(database.db, { secrets: testSecrets }).cancellations.record(
        cancellation(accountId, { lost_mrr: i % 2 ? { amount: 100, currency: "usd" } : null }),
      ),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.cancellation.id)).size).toBe(1);
    expect(await rowsOf(accountId)).toHaveLength(1);
    // MRR arrived once: either with the creating call or filled by exactly one later call.
    const filled = results.filter((r) => r.mrrFilled).length;
    const createdWithMrr = results.some((r) => r.created && r.cancellation.lost_mrr_amount);
    expect(filled).toBe(createdWithMrr ? 0 : 1);
  });

  it("a sighting that meets another's uncommitted insert updates that row once it commits", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted = () => {};
    const firstInserted = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const first = repos.transaction(async (trx) => {
      const result = await trx.cancellations.record(cancellation(accountId, { lost_mrr: null }));
      inserted();
      await held;
      return result;
    });
    await firstInserted;
    // On Postgres this one sees no row yet and waits on the unique index for the first.
    const second = repos.cancellations.record(cancellation(accountId));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ created: false, mrrFilled: true });
    expect(b.cancellation.id).toBe(a.cancellation.id);
    expect(await rowsOf(accountId)).toHaveLength(1);
  });
});

describe("the reason of a cancellation", () => {
  it("the owner sets and clears it; another account's reason is refused", async () => {
    const { accountId, reasons, repos } = await accountWithReasons(database);
    const other = await accountWithReasons(database, "Other");
    const { cancellation: row } = await repos.cancellations.record(cancellation(accountId));
    const reason = reasons[0]?.id ?? "";

    expect((await repos.cancellations.setReason(accountId, row.id, reason))?.after).toMatchObject({
      reason_id: reason,
      reason_source: "owner",
    });
    expect((await repos.cancellations.setReason(accountId, row.id, null))?.after).toMatchObject({
      reason_id: null,
      reason_source: null,
    });
    const foreign = other.reasons[0]?.id ?? "";
    await expect(repos.cancellations.setReason(accountId, row.id, foreign)).rejects.toThrow(
      DomainError,
    );
    await expect(repos.cancellations.setReason(accountId, row.id, foreign)).rejects.toMatchObject({
      code: "unknown_reason",
    });
    expect(
      await other.repos.cancellations.setReason(other.accountId, row.id, null),
    ).toBeUndefined();
  });

  it("the owner's correction is kept apart from the mapped reason, which a later sighting keeps", async () => {
    const { accountId, reasons, repos } = await accountWithReasons(database);
    const [mapped, chosen] = reasons.map((r) => r.id);
    const { cancellation: row } = await repos.cancellations.record(
      cancellation(accountId, { reason_id: mapped }),
    );
    expect(row.reason_id).toBe(mapped);
    await repos.cancellations.setReason(accountId, row.id, chosen ?? null);
    const later = await repos.cancellations.record(cancellation(accountId, { reason_id: mapped }));
    expect(later.cancellation).toMatchObject({ reason_id: mapped, owner_reason_id: chosen });
    expect(await repos.cancellations.effectiveReason(accountId, row.id)).toMatchObject({
      reason_id: chosen,
      reason_source: "owner",
    });
  });
});

describe("listing cancellations", () => {
  it("filters by path, state, voluntary, test mode and days, and pages by cursor", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const at = (day: number) => new Date(`2026-03-${String(day).padStart(2, "0")}T10:00:00Z`);
    for (const [i, path] of (["portal", "provider_api", "payment_failure"] as const).entries()) {
      for (const day of [1, 2, 3]) {
        await repos.cancellations.record(
          cancellation(accountId, {
            subscription_id: `sub_${path}_${day}`,
            path,
            requested_at: at(day + i * 3),
            test_mode: day === 3,
          }),
        );
      }
    }
    const list = (filter: Parameters<typeof repos.cancellations.list>[1]) =>
      repos.cancellations.list(accountId, filter, { limit: 100 });

    expect((await list({})).cancellations).toHaveLength(9);
    expect((await list({ path: "portal" })).cancellations).toHaveLength(3);
    expect((await list({ voluntary: false })).cancellations.map((c) => c.path)).toEqual([
      "payment_failure",
      "payment_failure",
      "payment_failure",
    ]);
    expect((await list({ testMode: true })).cancellations).toHaveLength(3);
    expect((await list({ state: "ended" })).cancellations).toHaveLength(0);
    const days = await list({ from: "2026-03-02", to: "2026-03-04" });
    expect(days.cancellations.map((c) => c.requested_at)).toEqual([at(4), at(3), at(2)]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = await repos.cancellations.list(
        accountId,
        {},
        { limit: 4, cursor },
      );
      seen.push(...page.cancellations.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual((await list({})).cancellations.map((c) => c.id));
    expect(new Set(seen).size).toBe(9);
  });
});

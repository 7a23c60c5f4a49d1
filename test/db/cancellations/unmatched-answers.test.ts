import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import { unmatchedAnswers } from "../../../src/db/queries/unmatched-answers.js";
import { DEFAULT_LINK_WINDOW_DAYS as WINDOW } from "../../../src/db/repositories/cancellation-answers.js";
import { createTestDatabase } from "../../helpers/database.js";
import { accountWithReasons, cancellation, storeAnswer } from "./fixtures.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe("unmatched answers", () => {
  it("answers naming no customer of the account's connections in their mode, unlinked", async () => {
    const { accountId, repos } = await accountWithReasons(database);
    const unmatched = (testMode = false, limit = 10) =>
      unmatchedAnswers(database.db, { accountId, testMode, limit });

    const wrongId = await storeAnswer(database, accountId, { customer_oid: "user_42" });
    // Without a connection there is nothing to match against.
    expect(await unmatched()).toEqual({ events: [], total: 0 });

    const connection = await repos.billingConnections.create(accountId, {
      provider: "stripe",
      mode: "live",
      apiKey: "rk_live_unmatchedsecretpart",
      webhookSecret: "whsec_unmatched",
    });
    const customer = (id: string, testMode = false) => ({
      connection_id: connection.id,
      id,
      account_id: accountId,
      test_mode: testMode,
      email: null,
      name: null,
      created: null,
      deleted: false,
      raw: { id },
    });
    await repos.billingCustomers.upsertMany([customer("cus_known"), customer("cus_test", true)]);
    await storeAnswer(database, accountId, { customer_oid: "cus_known" });
    // A live answer naming a customer known only in test mode is unmatched in live.
    const testOnly = await storeAnswer(database, accountId, {
      customer_oid: "cus_test",
      created_at: new Date("2026-03-11T00:00:00Z"),
    });
    const skip = await storeAnswer(database, accountId, {
      kind: "skip",
      customer_oid: "user_43",
      created_at: new Date("2026-03-12T00:00:00Z"),
    });
    await storeAnswer(database, accountId, { kind: "dismissal", customer_oid: "user_44" });
    // Linked to a cancellation: it explains one, so its customer id is right enough.
    await storeAnswer(database, accountId, { customer_oid: "cus_gone" });
    const { cancellation: row } = await repos.cancellations.record(
      cancellation(accountId, { customer_id: "cus_gone", connection_id: connection.id }),
    );
    expect(await repos.cancellationAnswers.linkAnswers(row, WINDOW)).toHaveLength(1);

    const found = await unmatched();
    expect(found.total).toBe(3);
    expect(found.events.map((e) => e.id)).toEqual([skip.id, testOnly.id, wrongId.id]);
    expect((await unmatched(false, 1)).events.map((e) => e.id)).toEqual([skip.id]);
    // Test mode has no connection here: nothing unmatched there.
    await storeAnswer(database, accountId, { customer_oid: "user_45", test_mode: true });
    expect((await unmatched(true)).total).toBe(0);

    // Disconnected connections still know their customers.
    await repos.billingConnections.disconnect(accountId, connection.id);
    expect((await unmatched()).total).toBe(3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { newId } from "../../src/db/ids.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import type { IngestEvent } from "../../src/db/repositories/events.js";
import { createEventsRepository } from "../../src/db/repositories/events.js";
import { createEventWriter } from "../../src/server/event-writer.js";
import { createTestDatabase } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

type NewIngestEvent = Omit<IngestEvent, "created_at">;

function event(accountId: string, overrides: Partial<NewIngestEvent> = {}): NewIngestEvent {
  return {
    account_id: accountId,
    id: newId("evt"),
    kind: "answer",
    source: "widget",
    reason_id: "rsn_any",
    reason_text: "Too expensive",
    comment: null,
    customer_oid: "cus_w",
    subscription_oids: ["sub_1"],
    test_mode: false,
    idempotency_key: newId("evt"),
    locale: null,
    mrr_amount: null,
    mrr_currency: null,
    plan: null,
    ...overrides,
  };
}

async function count(accountId: string) {
  const row = await database.db
    .selectFrom("events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("event writer (group commit)", () => {
  it("stores a burst of concurrent events, each durable when its promise resolves", async () => {
    const { account } = await createAccountsRepository(database.db, {
      secrets: testSecrets,
    }).create("Burst");
    const writer = createEventWriter(createEventsRepository(database.db), { maxBatch: 50 });
    const results = await Promise.all(
      Array.from({ length: 300 }, () => writer.record(event(account.id, { test_mode: true }))),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(new Set(results.map((r) => r.event.id)).size).toBe(300);
    expect(await count(account.id)).toBe(300);
  });

  it("two writers (as two server processes) agree on one install check", async () => {
    const { account } = await createAccountsRepository(database.db, {
      secrets: testSecrets,
    }).create("Race");
    const a = createEventWriter(createEventsRepository(database.db));
    const b = createEventWriter(createEventsRepository(database.db));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).record(event(account.id))),
    );
    expect(results.filter((r) => r.event.install_check)).toHaveLength(1);
    const flagged = await database.db
      .selectFrom("events")
      .select("id")
      .where("account_id", "=", account.id)
      .where("install_check", "=", true)
      .execute();
    expect(flagged).toHaveLength(1);
  });

  it("test events never become the install check", async () => {
    const { account } = await createAccountsRepository(database.db, {
      secrets: testSecrets,
    }).create("Tests only");
    const writer = createEventWriter(createEventsRepository(database.db));
    const testEvent = await writer.record(event(account.id, { test_mode: true }));
    const live = await writer.record(event(account.id));
    expect(testEvent.event.install_check).toBe(false);
    expect(live.event.install_check).toBe(true);
  });

  it("duplicates across writers store once and replay the first", async () => {
    const { account } = await createAccountsRepository(database.db, {
      secrets: testSecrets,
    }).create("Dupes");
    const a = createEventWriter(createEventsRepository(database.db));
    const b = createEventWriter(createEventsRepository(database.db));
    const same = event(account.id, { test_mode: true });
    const results = await Promise.all([
      a.record({ ...same, id: newId("evt") }),
      b.record({ ...same, id: newId("evt") }),
      a.record({ ...same, id: newId("evt") }),
    ]);
    expect(new Set(results.map((r) => r.event.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await count(account.id)).toBe(1);
  });

  it("events without an idempotency key are never merged", async () => {
    const { account } = await createAccountsRepository(database.db, {
      secrets: testSecrets,
    }).create("Keyless");
    const writer = createEventWriter(createEventsRepository(database.db));
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        writer.record(event(account.id, { idempotency_key: null, test_mode: true })),
      ),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(await count(account.id)).toBe(3);
  });

  it("one bad row fails alone; its batch neighbours are stored", async () => {
    const { account } = await createAccountsRepository(database.db, {
      secrets: testSecrets,
    }).create("Isolation");
    const writer = createEventWriter(createEventsRepository(database.db));
    const good = Array.from({ length: 5 }, () => event(account.id, { test_mode: true }));
    // An answer without a reason breaks a table constraint.
    const bad = event(account.id, { reason_id: null, test_mode: true });
    const settled = await Promise.allSettled([...good, bad].map((e) => writer.record(e)));
    expect(settled.slice(0, 5).every((s) => s.status === "fulfilled")).toBe(true);
    expect(settled[5]?.status).toBe("rejected");
    expect(await count(account.id)).toBe(5);
  });

  it("drain waits for queued events", async () => {
    const { account } = await createAccountsRepository(database.db, {
      secrets: testSecrets,
    }).create("Drain");
    const writer = createEventWriter(createEventsRepository(database.db));
    const pending = Array.from({ length: 20 }, () => writer.record(event(account.id)));
    await writer.drain();
    expect(await count(account.id)).toBe(20);
    await Promise.all(pending);
  });
});

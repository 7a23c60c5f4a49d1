import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../src/db/ids.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createEventsRepository } from "../../src/db/repositories/events.js";
import { createEventWriter } from "../../src/server/event-writer.js";
import { testSecrets } from "../helpers/secrets.js";
import { startWebhookTest, type WebhookTestEnv } from "./setup.js";

// No worker: deliveries stay in the queue for the test to look at.
let env: WebhookTestEnv;
beforeAll(async () => {
  env = await startWebhookTest({ WORKER: "off" });
});
afterAll(() => env.server.close());
beforeEach(async () => {
  await env.server.database.db.deleteFrom("webhook_endpoints").execute();
});

function ingestRow(accountId: string, kind: "answer" | "skip" | "dismissal", key: string) {
  return {
    account_id: accountId,
    id: newId("evt"),
    kind,
    source: "widget" as const,
    reason_id: kind === "answer" ? env.reason.id : null,
    reason_text: kind === "answer" ? env.reason.text : null,
    comment: null,
    customer_oid: `cus_${key}`,
    subscription_oids: [],
    test_mode: false,
    idempotency_key: key,
    locale: null,
    mrr_amount: null,
    mrr_currency: null,
    plan: null,
  };
}

describe("the trigger on events", () => {
  it("enqueues a delivery per cancellation and endpoint for events stored by ingest's batched INSERT", async () => {
    const all = await env.addEndpoint({ url: "https://hooks.example.com/a" });
    const second = await env.addEndpoint({ url: "https://hooks.example.com/b" });
    await env.addEndpoint({ url: "https://hooks.example.com/off", enabled: false });
    await env.addEndpoint({
      url: "https://hooks.example.com/offers",
      event_types: ["retention.accepted"],
    });
    const writer = createEventWriter(createEventsRepository(env.server.database.db));
    const kinds = ["answer", "skip", "dismissal"] as const;
    const rows = Array.from({ length: 60 }, (_, i) =>
      ingestRow(env.server.accountId, kinds[i % 3] ?? "answer", `batch-${i}`),
    );
    // Recorded in the same turn: the writer stores them with one multi-row INSERT.
    const results = await Promise.all(rows.map((row) => writer.record(row)));
    expect(results.every((r) => r.created)).toBe(true);

    const deliveries = await env.deliveries();
    const cancellations = rows.filter((r) => r.kind !== "dismissal").map((r) => r.id);
    expect(deliveries).toHaveLength(cancellations.length * 2);
    for (const endpoint of [all, second]) {
      const mine = deliveries.filter((d) => d.endpoint_id === endpoint.id);
      expect(mine.map((d) => d.event_id).sort()).toEqual([...cancellations].sort());
    }
    expect(new Set(deliveries.map((d) => d.event_type))).toEqual(new Set(["cancellation.created"]));
    expect(deliveries.every((d) => d.status === "pending" && d.attempts === 0)).toBe(true);

    // Replays of the same answers (the widget retrying) store nothing and enqueue nothing.
    await Promise.all(rows.map((row) => writer.record({ ...row, id: newId("evt") })));
    expect(await env.deliveries()).toHaveLength(cancellations.length * 2);
  });

  it("enqueues through the widget's ingest route, only for the account's own endpoints", async () => {
    const endpoint = await env.addEndpoint({ url: "https://hooks.example.com/mine" });
    const other = await createAccountsRepository(env.server.database.db, {
      secrets: testSecrets,
    }).create("Other");
    await env.server.database.db
      .insertInto("webhook_endpoints")
      .values({
        account_id: other.account.id,
        id: newId("whk"),
        url: "https://hooks.example.com/theirs",
        kind: "webhook",
        event_types: ["cancellation.created"],
        secret: "whsec_other",
      })
      .execute();
    const events = await Promise.all(Array.from({ length: 5 }, () => env.postEvent()));
    const deliveries = await env.deliveries();
    expect(deliveries.map((d) => d.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(deliveries.every((d) => d.endpoint_id === endpoint.id)).toBe(true);
    // The snapshot is the row as stored.
    const [first] = deliveries;
    expect(first?.event).toMatchObject({
      id: first?.event_id,
      account_id: env.server.accountId,
      reason_id: env.reason.id,
      comment: "Too pricey for us",
    });
  });

  it("costs an account without endpoints nothing but a join: no rows", async () => {
    await env.postEvent();
    expect(await env.deliveries()).toEqual([]);
  });
});

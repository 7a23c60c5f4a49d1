import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { DatabaseHandle } from "../../src/db/database.js";
import { newId } from "../../src/db/ids.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createEventsRepository, newEventRow } from "../../src/db/repositories/events.js";
import { createWebhookWorker, type WorkerLogger } from "../../src/webhooks/worker.js";
import { waitFor } from "../helpers/browser.js";
import { cliDatabase, startWorker } from "../helpers/cli.js";
import { createTestDatabase, testEngine } from "../helpers/database.js";
import { createReceiver, type Receiver } from "./receiver.js";
import { FAST_WEBHOOKS } from "./setup.js";

const DELIVERIES = 300;

/** Two workers of the engine under test; `sent()` counts what each reports as delivered. */
interface Workers {
  db: DatabaseHandle["db"];
  sent(): [number, number];
  stop(): Promise<void>;
}

/** Postgres: two `cancel-insights worker` processes on one database, as in production. */
async function workerProcesses(): Promise<Workers> {
  const database = await cliDatabase();
  const handle = await database.open();
  await migrateToLatest(handle.db);
  const env = { ...FAST_WEBHOOKS, ...database.env, LOG_LEVEL: "debug" };
  const children = [startWorker(env), startWorker(env)];
  await waitFor(
    () => children.every((c) => c.output().includes("webhook worker started")),
    "both workers to start",
    30_000,
  );
  const count = (i: number) => children[i]?.output().match(/"webhook delivered"/g)?.length ?? 0;
  return {
    db: handle.db,
    sent: () => [count(0), count(1)],
    async stop() {
      const exits = await Promise.all(children.map((c) => c.stop()));
      // SIGTERM is the normal way to stop a worker: it finishes what it holds and exits 0.
      expect(exits).toEqual([0, 0]);
      await handle.close();
      await database.cleanup();
    },
  };
}

/** PGlite serves one process: two workers in this one, on the same database. */
async function workersInProcess(): Promise<Workers> {
  const database = await createTestDatabase();
  const config = loadConfig(FAST_WEBHOOKS);
  const counts: [number, number] = [0, 0];
  const workers = [0, 1].map((i) => {
    const log: WorkerLogger = {
      debug: () => {
        counts[i as 0 | 1]++;
      },
      info: () => {},
      error: (details) => console.error(details),
    };
    return createWebhookWorker({
      database,
      config: config.webhooks,
      publicUrl: config.publicUrl,
      log,
    });
  });
  for (const worker of workers) worker.start();
  return {
    db: database.db,
    sent: () => counts,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await database.close();
    },
  };
}

let workers: Workers;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await createReceiver();
  // A little work per request, so that both workers have deliveries in flight at once.
  receiver.delayMs = 3;
  await receiver.up();
  workers = testEngine === "postgres" ? await workerProcesses() : await workersInProcess();
}, 60_000);
afterAll(async () => {
  await workers?.stop();
  await receiver?.down();
});

describe(`two workers at once (${testEngine === "postgres" ? "two processes" : "one process"})`, () => {
  it("never send the same delivery twice, and send every one", async () => {
    const { db } = workers;
    const { account } = await createAccountsRepository(db).create("Two workers");
    await db
      .insertInto("webhook_endpoints")
      .values({
        account_id: account.id,
        id: newId("whk"),
        url: receiver.url,
        kind: "webhook",
        event_types: ["cancellation.created"],
        secret: "whsec_test",
      })
      .execute();
    // Ingest's own multi-row INSERT, a batch at a time, while both workers poll.
    const events = createEventsRepository(db);
    for (let batch = 0; batch < DELIVERIES / 50; batch++) {
      await events.insertNew(
        Array.from({ length: 50 }, (_, i) =>
          newEventRow({
            account_id: account.id,
            kind: "skip",
            source: "widget",
            customer_oid: `cus_${batch}_${i}`,
          }),
        ),
      );
    }

    await waitFor(
      async () => {
        const { pending } = await db
          .selectFrom("webhook_deliveries")
          .select((eb) => eb.fn.countAll<number>().as("pending"))
          .where("status", "<>", "delivered")
          .executeTakeFirstOrThrow();
        return Number(pending) === 0;
      },
      "every delivery delivered",
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    const ids = receiver.received.map((r) => r.headers["cancel-insights-delivery"]);
    expect(ids).toHaveLength(DELIVERIES);
    expect(new Set(ids).size).toBe(DELIVERIES);
    const [first, second] = workers.sent();
    expect(first + second).toBe(DELIVERIES);
    expect(first, "the first worker delivered some").toBeGreaterThan(0);
    expect(second, "the second worker delivered some").toBeGreaterThan(0);
  });
});

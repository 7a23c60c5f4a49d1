import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { DatabaseHandle } from "../../src/db/database.js";
import { newId } from "../../src/db/ids.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createEventsRepository, newEventRow } from "../../src/db/repositories/events.js";
import { buildApp } from "../../src/server/app.js";
import { waitFor } from "../helpers/browser.js";
import { cliDatabase, startWorker } from "../helpers/cli.js";
import { createTestDatabase, testEngine } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";
import { drainedPastMarker, expectDeliveredOnce } from "./exactly-once.js";
import { createReceiver, type Receiver } from "./receiver.js";
import { FAST_WEBHOOKS } from "./setup.js";

const DELIVERIES = 300;
/** What a worker logs (at debug) for each delivery it sent. */
const DELIVERED = /"webhook delivered"/g;

/** Two workers of the engine under test; `sent()` counts what each logged as delivered. */
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
    () => children.every((c) => c.output().includes("worker started")),
    "both workers to start",
    30_000,
  );
  const count = (i: number) => children[i]?.output().match(DELIVERED)?.length ?? 0;
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

/**
 * PGlite serves one process: two servers in this one, each with its own worker, on the
 * same database, their logs (JSON lines) read as an operator would.
 */
async function serversInProcess(): Promise<Workers> {
  const database = await createTestDatabase();
  const config = loadConfig({ ...FAST_WEBHOOKS, API_RATE_LIMIT: "0", WIDGET_RATE_LIMIT: "0" });
  const logs = ["", ""];
  const apps: FastifyInstance[] = [];
  for (const i of [0, 1]) {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logs[i] += chunk;
        done();
      },
    });
    apps.push(
      await buildApp({
        config,
        database,
        secrets: testSecrets,
        logger: { level: "debug", stream },
      }),
    );
  }
  await Promise.all(apps.map((app) => app.ready()));
  const count = (i: number) => logs[i]?.match(DELIVERED)?.length ?? 0;
  return {
    db: database.db,
    sent: () => [count(0), count(1)],
    async stop() {
      await Promise.all(apps.map((app) => app.close()));
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
  workers = testEngine === "postgres" ? await workerProcesses() : await serversInProcess();
}, 60_000);
afterAll(async () => {
  await workers?.stop();
  await receiver?.down();
});

describe(`two workers at once (${testEngine === "postgres" ? "two processes" : "two servers in one process"})`, () => {
  it("never send the same delivery twice, and send every one", async () => {
    const { db } = workers;
    const { account } = await createAccountsRepository(db, { secrets: testSecrets }).create(
      "Two workers",
    );
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
    const batch = (size: number, prefix: string) =>
      events.insertNew(
        Array.from({ length: size }, (_, i) =>
          newEventRow({
            account_id: account.id,
            kind: "skip",
            source: "widget",
            customer_oid: `cus_${prefix}_${i}`,
          }),
        ),
      );
    for (let n = 0; n < DELIVERIES / 50; n++) await batch(50, String(n));

    // One more event once all have settled: nothing of the first batches comes after it.
    const logged = await drainedPastMarker(
      db,
      account.id,
      DELIVERIES,
      () => batch(1, "marker"),
      60_000,
    );
    expectDeliveredOnce(receiver.received, logged);
    expect(receiver.received).toHaveLength(DELIVERIES + 1);
    // A worker logs a delivery once it is settled: the last lines may still be on their way.
    const [first, second] = await waitFor(() => {
      const sent = workers.sent();
      return sent[0] + sent[1] === DELIVERIES + 1 ? sent : null;
    }, "every delivery in the workers' logs");
    expect(first, "the first worker delivered some").toBeGreaterThan(0);
    expect(second, "the second worker delivered some").toBeGreaterThan(0);
  });
});

import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { migrationProvider } from "../../src/db/migrations/index.js";
import { LISTEN_APPLICATION_NAME } from "../../src/db/pg-listener.js";
import { v1Client } from "../helpers/api.js";
import { waitFor } from "../helpers/browser.js";
import { startWorker } from "../helpers/cli.js";
import { createTestDatabase, testEngine } from "../helpers/database.js";
import { createReceiver, type Receiver } from "./receiver.js";
import { FAST_WEBHOOKS, startWebhookTest } from "./setup.js";

/** Polling every ten minutes: only hearing of new deliveries can make them prompt. */
const SLOW_POLL = { WEBHOOK_POLL_MS: "600000" };
/**
 * A notified worker sends within milliseconds (tens on a busy machine), a polling one only
 * after up to ten minutes: anything under this is prompt, however loaded the machine.
 */
const PROMPT_MS = 15_000;

let receiver: Receiver;
beforeAll(async () => {
  receiver = await createReceiver();
  await receiver.up();
});
afterAll(() => receiver.down());

/** Milliseconds from the start of `send` until the receiver accepts one more delivery. */
async function latencyOf(send: () => Promise<unknown>): Promise<number> {
  const before = receiver.accepted().length;
  const start = Date.now();
  await send();
  const received = await waitFor(() => receiver.accepted()[before], "the delivery", PROMPT_MS);
  return received.at - start;
}

/** A server whose worker (if on) polls every ten minutes, with an endpoint at `receiver`. */
async function slowPollingServer(env: Record<string, string> = {}) {
  const test = await startWebhookTest({ ...SLOW_POLL, ...env });
  const endpoint = await test.addEndpoint({
    url: receiver.url,
    event_types: ["cancellation.created", "cancellation.updated"],
  });
  const ping = () => test.owner.request("POST", `${test.base}/webhooks/${endpoint.id}/ping`);
  return { ...test, endpoint, ping };
}

describe("a worker polling every ten minutes", () => {
  let env: Awaited<ReturnType<typeof slowPollingServer>>;
  beforeAll(async () => {
    env = await slowPollingServer();
    // Once a ping is in, the worker's first round is over: it sleeps now.
    await latencyOf(env.ping);
  });
  afterAll(() => env.server.close());

  it("sends an event stored through the widget's ingest at once", async () => {
    expect(await latencyOf(() => env.postEvent())).toBeLessThan(PROMPT_MS);
  });

  it("sends events recorded and changed through the REST API at once", async () => {
    const api = v1Client(env.server);
    let id = "";
    expect(
      await latencyOf(async () => {
        const response = await api("POST", "/events", {
          payload: { customer_oid: "cus_api", reason_id: env.reason.id },
        });
        expect(response.statusCode, response.body).toBe(200);
        id = response.json().event.id;
      }),
    ).toBeLessThan(PROMPT_MS);
    expect(
      await latencyOf(() => api("PUT", `/events/${id}`, { payload: { comment: "Changed" } })),
    ).toBeLessThan(PROMPT_MS);
    expect(receiver.accepted().at(-1)?.body).toContain("cancellation.updated");
  });

  it("sends a ping and a redelivery from the dashboard at once", async () => {
    expect(await latencyOf(env.ping)).toBeLessThan(PROMPT_MS);
    const [delivery] = await env.deliveries();
    const redeliver = () =>
      env.owner.request("POST", `${env.base}/webhooks/deliveries/${delivery?.id}/redeliver`);
    expect(await latencyOf(redeliver)).toBeLessThan(PROMPT_MS);
  });

  it("sends what a paused endpoint held back as soon as it is resumed", async () => {
    const endpointUrl = `${env.base}/webhooks/${env.endpoint.id}`;
    await env.owner.request("PATCH", endpointUrl, { enabled: false });
    // New events skip a paused endpoint; a ping is queued for it all the same.
    await env.ping();
    const resume = () => env.owner.request("PATCH", endpointUrl, { enabled: true });
    expect(await latencyOf(resume)).toBeLessThan(PROMPT_MS);
  });

  it("retries when the backoff says, not at the next poll", async () => {
    const first = receiver.received.length;
    receiver.answer = (n) => (n === first ? 503 : 200);
    try {
      // FAST_WEBHOOKS: the first retry waits 10-20 ms.
      expect(await latencyOf(() => env.postEvent())).toBeLessThan(PROMPT_MS);
      expect(receiver.received.slice(first).map((r) => r.status)).toEqual([503, 200]);
    } finally {
      receiver.answer = () => 200;
    }
  });
});

// PGlite serves one process: its worker is always the server's own, as above.
describe.skipIf(testEngine !== "postgres")("Postgres notifications", () => {
  let env: Awaited<ReturnType<typeof slowPollingServer>>;
  beforeAll(async () => {
    env = await slowPollingServer();
    await latencyOf(env.ping);
  });
  afterAll(() => env?.server.close());

  /** The server's LISTEN connection, by the name it gives itself. */
  /** The backend of the LISTEN connection on the database of `db`, from any process. */
  async function listenerPid(db = env.server.database.db): Promise<number | undefined> {
    const result = await sql<{ pid: number }>`select pid from pg_stat_activity
      where datname = current_database() and application_name = ${LISTEN_APPLICATION_NAME}`.execute(
      db,
    );
    return result.rows[0]?.pid;
  }

  it("wake a worker in another process", async () => {
    const other = await slowPollingServer({ WORKER: "off" });
    const worker = startWorker({
      ...FAST_WEBHOOKS,
      ...SLOW_POLL,
      DATABASE_URL: other.server.database.url ?? "",
    });
    try {
      // The server runs no worker: whoever listens on its database is the worker process.
      await waitFor(
        async () => (await listenerPid(other.server.database.db)) !== undefined,
        "the worker to listen",
        30_000,
      );
      // Its first round may still be running: the ping, after it, is then sent by it anyway.
      await latencyOf(other.ping);
      expect(await latencyOf(() => other.postEvent())).toBeLessThan(PROMPT_MS);
      expect(await latencyOf(other.ping)).toBeLessThan(PROMPT_MS);
    } finally {
      expect(await worker.stop()).toBe(0);
      await other.server.close();
    }
  });

  it("come back after the LISTEN connection is killed, and the process lives on", async () => {
    const killed = await listenerPid();
    expect(killed).toBeDefined();
    await sql`select pg_terminate_backend(${killed}::integer)`.execute(env.server.database.db);
    await waitFor(async () => {
      const pid = await listenerPid();
      return pid !== undefined && pid !== killed;
    }, "a new LISTEN connection");
    expect(await latencyOf(() => env.postEvent())).toBeLessThan(PROMPT_MS);
  });
});

describe("migration 0009", () => {
  const triggers = async (db: Database) =>
    (
      await sql<{ tgname: string }>`select tgname from pg_trigger
        where tgname like 'webhook_%' order by tgname`.execute(db)
    ).rows.map((r) => r.tgname);

  it("goes down to 0008's triggers alone, and up again", async () => {
    const database = await createTestDatabase();
    try {
      const { db } = database;
      const notifying = ["webhook_notify_due", "webhook_notify_queued", "webhook_notify_resumed"];
      const enqueueing = ["webhook_enqueue_created", "webhook_enqueue_updated"];
      expect(await triggers(db)).toEqual([...enqueueing, ...notifying]);
      const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(
        "0008-webhooks",
      );
      expect(error).toBeUndefined();
      expect(await triggers(db)).toEqual(enqueueing);
      expect((await migrateToLatest(db))[0]).toBe("0009-webhook-notify");
      expect(await triggers(db)).toEqual([...enqueueing, ...notifying]);
    } finally {
      await database.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createJobQueue } from "../../src/jobs/job-queue.js";
import { createRunner } from "../../src/jobs/runner.js";
import { createDeliveryQueue } from "../../src/webhooks/delivery-queue.js";
import { waitFor } from "../helpers/browser.js";
import { testSecrets } from "../helpers/secrets.js";
import { createReceiver, type Receiver } from "../webhooks/receiver.js";
import { FAST_WEBHOOKS, startWebhookTest, type WebhookTestEnv } from "../webhooks/setup.js";
import { gate, silent, testKind } from "./setup.js";

/** Generous: a worker woken takes milliseconds; this one polls every ten minutes. */
const PROMPT_MS = 15_000;

let env: WebhookTestEnv;
let receiver: Receiver;
beforeAll(async () => {
  env = await startWebhookTest({ WORKER: "off" });
  receiver = await createReceiver();
  await receiver.up();
  await env.addEndpoint({ url: receiver.url });
});
afterAll(async () => {
  await receiver?.down();
  await env?.server.close();
});

describe("one worker for webhooks and jobs", () => {
  it("delivers webhooks while a long job fills its room for jobs, and claims the next job once there is room", async () => {
    const { database } = env.server;
    const config = loadConfig(FAST_WEBHOOKS);
    const hold = gate();
    const { kind, calls } = testKind(async () => hold.opened);
    const runner = createRunner({
      database,
      log: silent,
      pollMs: 600_000,
      notifiedPollMs: 600_000,
      queues: [
        createDeliveryQueue({
          database,
          secrets: testSecrets,
          config: config.webhooks,
          publicUrl: config.publicUrl,
          log: silent,
        }),
        createJobQueue({
          db: database.db,
          kinds: [kind],
          concurrency: 1,
          logDays: 30,
          log: silent,
        }),
      ],
    });
    runner.start();
    try {
      const { job: first } = await kind.enqueue(database.db, {});
      await waitFor(() => calls.length === 1, "the first job to start", PROMPT_MS);
      const { job: second } = await kind.enqueue(database.db, {});

      await env.postEvent();
      await waitFor(() => receiver.accepted().length === 1, "the webhook", PROMPT_MS);
      // Its one room for jobs is taken: the second job waits for it.
      expect(calls.map((c) => c.id)).toEqual([first.id]);
      hold.open();
      await waitFor(() => calls.length === 2, "the second job", PROMPT_MS);
      expect(calls.map((c) => c.id)).toEqual([first.id, second.id]);
    } finally {
      hold.open();
      await runner.stop();
    }
  });
});

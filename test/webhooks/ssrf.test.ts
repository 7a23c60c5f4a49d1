import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { newId } from "../../src/db/ids.js";
import { createWorker } from "../../src/server/worker.js";
import { guardedLookup, isPublicAddress } from "../../src/webhooks/target.js";
import { testSecrets } from "../helpers/secrets.js";
import { createReceiver, type Receiver } from "./receiver.js";
import { startWebhookTest, type WebhookTestEnv } from "./setup.js";

// As in production: private targets not allowed. No worker: the test runs one itself.
let env: WebhookTestEnv;
let receiver: Receiver;
beforeAll(async () => {
  env = await startWebhookTest({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "off", WORKER: "off" });
  receiver = await createReceiver();
  await receiver.up();
});
afterAll(async () => {
  await receiver.down();
  await env.server.close();
});

const UNSAFE = [
  "http://127.0.0.1:8080/hook",
  "http://localhost/hook",
  "http://api.localhost/hook",
  "http://10.1.2.3/hook",
  "http://172.16.0.1/hook",
  "http://192.168.1.1/hook",
  "http://169.254.169.254/latest/meta-data/",
  "http://100.64.0.1/hook",
  "http://0.0.0.0/hook",
  "http://[::1]/hook",
  "http://[fe80::1]/hook",
  "http://[fd00::1]/hook",
  "http://[::ffff:127.0.0.1]/hook",
  "http://2130706433/hook",
];

describe("webhook targets", () => {
  for (const url of UNSAFE) {
    it(`refuses ${url} when saved`, async () => {
      const response = await env.owner.request("POST", `${env.base}/webhooks`, { url });
      expect(response.statusCode).toBe(422);
      expect(response.json().error).toMatchObject({ code: "unsafe_webhook_target", field: "url" });
    });
  }

  it("refuses other schemes and URLs with credentials, and takes public https URLs", async () => {
    for (const url of ["ftp://hooks.example.com/x", "file:///etc/passwd", "not a url"]) {
      const response = await env.owner.request("POST", `${env.base}/webhooks`, { url });
      expect(response.statusCode, url).toBe(400);
    }
    const secret = await env.owner.request("POST", `${env.base}/webhooks`, {
      url: "https://user:pw@hooks.example.com/x",
    });
    expect(secret.statusCode).toBe(400);
    const ok = await env.owner.request("POST", `${env.base}/webhooks`, {
      url: "https://hooks.example.com/cancel",
    });
    expect(ok.statusCode).toBe(201);
    const moved = await env.owner.request(
      "PATCH",
      `${env.base}/webhooks/${ok.json().endpoint.id}`,
      { url: "http://169.254.169.254/" },
    );
    expect(moved.statusCode).toBe(422);
  });

  it("refuses, when sending, an endpoint whose address is not public (saved before, or DNS changed)", async () => {
    const db = env.server.database.db;
    await db.deleteFrom("webhook_endpoints").execute();
    const hosts = [receiver.url, receiver.url.replace("127.0.0.1", "localhost")];
    for (const url of hosts) {
      await db
        .insertInto("webhook_endpoints")
        .values({
          account_id: env.server.accountId,
          id: newId("whk"),
          url,
          kind: "webhook",
          event_types: ["cancellation.created"],
          secret: "whsec_x",
        })
        .execute();
    }
    await env.postEvent();
    const config = loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "off" });
    const worker = createWorker({
      database: env.server.database,
      secrets: testSecrets,
      config,
      log: { debug() {}, info() {}, error() {} },
    });
    expect(await worker.runOnce()).toBe(2);
    const attempts = await db.selectFrom("webhook_attempts").selectAll().execute();
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({ status_code: null, error: expect.stringMatching(/refused/) });
    }
    expect(receiver.received).toEqual([]);
  });

  it("checks the addresses a name resolves to, as the socket connects", async () => {
    const lookup = guardedLookup(false);
    const error = await new Promise<Error | null>((resolve) =>
      lookup("localhost", { all: true }, (err) => resolve(err)),
    );
    expect(error?.message).toMatch(/localhost resolves to .* not a public address: refused/);
    const allowed = await new Promise<unknown>((resolve) =>
      guardedLookup(true)("localhost", { all: true }, (_err, addresses) => resolve(addresses)),
    );
    expect(allowed).toEqual(expect.arrayContaining([expect.objectContaining({ family: 4 })]));
  });

  it("tells public unicast addresses from the rest", () => {
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    expect(isPublicAddress("2606:2800:220:1:248:1893:25c8:1946")).toBe(true);
    for (const address of ["127.0.0.1", "10.0.0.1", "::1", "::ffff:192.168.0.1", "224.0.0.1"]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });
});

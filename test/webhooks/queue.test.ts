import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createWebhookDeliveriesRepository } from "../../src/db/repositories/webhook-deliveries.js";
import { retryDelayMs } from "../../src/jobs/backoff.js";
import { createDeliveryQueue } from "../../src/webhooks/delivery-queue.js";
import { waitFor } from "../helpers/browser.js";
import { testSecrets } from "../helpers/secrets.js";
import { startWebhookTest, type WebhookTestEnv } from "./setup.js";

let env: WebhookTestEnv;
beforeAll(async () => {
  env = await startWebhookTest({ WORKER: "off" });
});
afterAll(() => env.server.close());

describe("the delivery queue", () => {
  it("gives a crashed worker's deliveries to another once the lease is over, and only then", async () => {
    await env.addEndpoint({ url: "https://hooks.example.com/lease" });
    await env.postEvent();
    const queue = createWebhookDeliveriesRepository(env.server.database.db, {
      secrets: testSecrets,
    });
    // Long enough that the next query, however busy the machine, comes within it.
    const leaseMs = 3000;
    const claimedAt = Date.now();
    const [claimed] = await queue.claimDue(10, leaseMs);
    expect(claimed).toMatchObject({ attempts: 1, url: "https://hooks.example.com/lease" });
    // The worker "dies" here: it never completes.
    expect(await queue.claimDue(10, leaseMs)).toEqual([]);
    const reclaimed = await waitFor(
      async () => (await queue.claimDue(10, leaseMs))[0],
      "the lease to run out",
      leaseMs * 5,
    );
    // The database's clock and ours are the machine's: not before the lease was over.
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(leaseMs);
    expect(reclaimed).toMatchObject({ id: claimed?.id, attempts: 2 });
    expect(reclaimed?.lease_token).not.toBe(claimed?.lease_token);

    // The first worker, back from the dead, cannot settle what it no longer holds.
    if (!claimed) throw new Error("not claimed");
    const outcome = {
      attemptedAt: new Date(),
      durationMs: 5,
      responseBody: null,
      error: null,
    };
    await queue.complete(claimed, { ...outcome, statusCode: 200, next: { status: "delivered" } });
    expect(await queue.find(env.server.accountId, claimed.id)).toMatchObject({ status: "pending" });
    await queue.complete(reclaimed, { ...outcome, statusCode: 200, next: { status: "delivered" } });
    expect(await queue.find(env.server.accountId, claimed.id)).toMatchObject({
      status: "delivered",
      locked_until: null,
      last_status_code: 200,
    });
    // Both attempts happened, so both are in the log.
    const [logged] = await queue.list(env.server.accountId, { limit: 1 });
    expect(logged?.attempt_log).toHaveLength(2);
  });

  it("settles quietly an attempt whose endpoint was deleted meanwhile", async () => {
    const endpoint = await env.addEndpoint({ url: "https://hooks.example.com/gone" });
    await env.postEvent();
    const queue = createWebhookDeliveriesRepository(env.server.database.db, {
      secrets: testSecrets,
    });
    const claimed = (await queue.claimDue(10, 1000)).find((d) => d.endpoint_id === endpoint.id);
    if (!claimed) throw new Error("not claimed");
    await env.owner.request("DELETE", `${env.base}/webhooks/${endpoint.id}`);
    await queue.complete(claimed, {
      attemptedAt: new Date(),
      durationMs: 5,
      statusCode: 200,
      error: null,
      responseBody: null,
      next: { status: "delivered" },
    });
    expect(await queue.find(env.server.accountId, claimed.id)).toBeUndefined();
  });

  it("holds deliveries of a disabled endpoint until it is enabled again", async () => {
    const endpoint = await env.addEndpoint({ url: "https://hooks.example.com/paused" });
    await env.postEvent();
    await env.owner.request("PATCH", `${env.base}/webhooks/${endpoint.id}`, { enabled: false });
    const queue = createWebhookDeliveriesRepository(env.server.database.db, {
      secrets: testSecrets,
    });
    const due = await queue.claimDue(10, 1000);
    expect(due.map((d) => d.endpoint_id)).not.toContain(endpoint.id);
    await env.owner.request("PATCH", `${env.base}/webhooks/${endpoint.id}`, { enabled: true });
    const resumed = await queue.claimDue(10, 1000);
    expect(resumed.map((d) => d.endpoint_id)).toContain(endpoint.id);
  });
});

describe("the delivery log", () => {
  const silent = { debug() {}, info() {}, error() {} };
  const envDb = () => env.server.database.db;
  const workerWith = (settings: Record<string, string>) =>
    createDeliveryQueue({
      database: env.server.database,
      secrets: testSecrets,
      config: loadConfig(settings).webhooks,
      publicUrl: "https://insights.example.com",
      log: silent,
    });

  it("forgets delivered and failed deliveries after WEBHOOK_LOG_DAYS, never pending ones", async () => {
    const endpoint = await env.addEndpoint({ url: "https://hooks.example.com/old" });
    for (let i = 0; i < 4; i++) await env.postEvent();
    const mine = (await env.deliveries()).filter((d) => d.endpoint_id === endpoint.id);
    expect(mine).toHaveLength(4);
    const [delivered, failed, pending, recent] = mine.map((d) => d.id);
    const queue = createWebhookDeliveriesRepository(envDb(), { secrets: testSecrets });
    const claimed = (await queue.claimDue(100, 1000)).filter((d) => d.endpoint_id === endpoint.id);
    for (const delivery of claimed) {
      const status = delivery.id === failed ? "failed" : "delivered";
      if (delivery.id === pending) continue;
      await queue.complete(delivery, {
        attemptedAt: new Date(),
        durationMs: 5,
        statusCode: status === "delivered" ? 200 : 500,
        error: null,
        responseBody: null,
        next: { status },
      });
    }
    // 31 days ago, all but one.
    await envDb()
      .updateTable("webhook_deliveries")
      .set({ updated_at: new Date(Date.now() - 31 * 86_400_000) })
      .where("account_id", "=", env.server.accountId)
      .where("id", "in", [delivered, failed, pending] as string[])
      .execute();

    expect(await workerWith({ WEBHOOK_LOG_DAYS: "0" }).prune()).toBe(0);
    expect(await workerWith({ WEBHOOK_LOG_DAYS: "60" }).prune()).toBe(0);
    expect(await workerWith({}).prune()).toBe(2);

    const left = (await env.deliveries()).filter((d) => d.endpoint_id === endpoint.id);
    expect(left.map((d) => d.id).sort()).toEqual([pending, recent].sort());
    const attempts = await envDb()
      .selectFrom("webhook_attempts")
      .select("delivery_id")
      .where("account_id", "=", env.server.accountId)
      .where("delivery_id", "in", [delivered, failed] as string[])
      .execute();
    expect(attempts).toEqual([]);
  });
});

describe("retry delays", () => {
  const config = { retryBaseMs: 30_000, maxDelayMs: 6 * 3600_000 };

  it("double per attempt, capped, jittered within the upper half", () => {
    expect(retryDelayMs(1, config, () => 1)).toBe(30_000);
    expect(retryDelayMs(2, config, () => 1)).toBe(60_000);
    expect(retryDelayMs(5, config, () => 1)).toBe(480_000);
    expect(retryDelayMs(5, config, () => 0)).toBe(240_000);
    expect(retryDelayMs(30, config, () => 1)).toBe(6 * 3600_000);
    for (let attempt = 1; attempt < 20; attempt++) {
      const delay = retryDelayMs(attempt, config);
      const full = Math.min(config.maxDelayMs, config.retryBaseMs * 2 ** (attempt - 1));
      expect(delay).toBeGreaterThanOrEqual(full / 2);
      expect(delay).toBeLessThanOrEqual(full);
    }
  });
});

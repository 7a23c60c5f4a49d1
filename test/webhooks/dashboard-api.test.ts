import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { waitFor } from "../helpers/browser.js";
import { createReceiver, type Receiver, verifySignature } from "./receiver.js";
import { startWebhookTest, type WebhookTestEnv } from "./setup.js";

let env: WebhookTestEnv;
let member: Client;
let receiver: Receiver;
beforeAll(async () => {
  env = await startWebhookTest();
  await createUser(env.server, "member@example.com", {
    accounts: [[env.server.accountId, "member"]],
  });
  member = await signIn(env.server, "member@example.com");
  receiver = await createReceiver();
  await receiver.up();
});
afterAll(async () => {
  await receiver.down();
  await env.server.close();
});

describe("webhook endpoints in the dashboard API", () => {
  it("owners create, list, change and delete endpoints; defaults are sensible", async () => {
    const created = await env.owner.request("POST", `${env.base}/webhooks`, {
      url: " https://hooks.example.com/cancel ",
      description: "  Warehouse  ",
    });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json().endpoint;
    expect(endpoint).toMatchObject({
      id: expect.stringMatching(/^whk_/),
      url: "https://hooks.example.com/cancel",
      kind: "webhook",
      description: "Warehouse",
      event_types: [
        "cancellation.created",
        "cancellation.updated",
        "retention.accepted",
        "retention.saved",
      ],
      enabled: true,
      include_test: false,
      secret: expect.stringMatching(/^whsec_\w{32}$/),
      previous_secret_expires_at: null,
    });

    const listed = (await env.owner.request("GET", `${env.base}/webhooks`)).json();
    expect(listed.endpoints).toEqual([endpoint]);
    expect(listed.event_types).toEqual([
      "cancellation.created",
      "cancellation.updated",
      "retention.accepted",
      "retention.saved",
    ]);

    const changed = await env.owner.request("PATCH", `${env.base}/webhooks/${endpoint.id}`, {
      enabled: false,
      include_test: true,
      event_types: ["cancellation.updated", "retention.accepted"],
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().endpoint).toMatchObject({
      enabled: false,
      include_test: true,
      event_types: ["cancellation.updated", "retention.accepted"],
      secret: endpoint.secret,
    });
    for (const body of [{ event_types: [] }, { event_types: ["customer.deleted"] }]) {
      const bad = await env.owner.request("PATCH", `${env.base}/webhooks/${endpoint.id}`, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
    }

    const removed = await env.owner.request("DELETE", `${env.base}/webhooks/${endpoint.id}`);
    expect(removed.statusCode).toBe(200);
    expect((await env.owner.request("GET", `${env.base}/webhooks`)).json().endpoints).toEqual([]);
    const again = await env.owner.request("DELETE", `${env.base}/webhooks/${endpoint.id}`);
    expect(again.statusCode).toBe(404);
  });

  it("members see endpoints and the log without secrets, and change nothing", async () => {
    const endpoint = await env.addEndpoint({
      url: "https://hooks.slack.com/services/T000/B000/XXXXSECRET",
      kind: "slack",
    });
    const seen = (await member.request("GET", `${env.base}/webhooks`)).json();
    expect(seen.endpoints.find((e: { id: string }) => e.id === endpoint.id)).toMatchObject({
      secret: null,
      url: "https://hooks.slack.com/…",
    });
    expect(JSON.stringify(seen)).not.toContain("XXXXSECRET");
    expect((await member.request("GET", `${env.base}/webhooks/deliveries`)).statusCode).toBe(200);
    const attempts = [
      member.request("POST", `${env.base}/webhooks`, { url: "https://x.example.com" }),
      member.request("PATCH", `${env.base}/webhooks/${endpoint.id}`, { enabled: false }),
      member.request("DELETE", `${env.base}/webhooks/${endpoint.id}`),
      member.request("POST", `${env.base}/webhooks/${endpoint.id}/rotate-secret`),
      member.request("POST", `${env.base}/webhooks/${endpoint.id}/ping`),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("forbidden");
    }
    await env.owner.request("DELETE", `${env.base}/webhooks/${endpoint.id}`);
  });

  it("allows at most 10 endpoints per account", async () => {
    for (let i = 0; i < 10; i++) await env.addEndpoint({ url: `https://hooks.example.com/${i}` });
    const eleventh = await env.owner.request("POST", `${env.base}/webhooks`, {
      url: "https://hooks.example.com/11",
    });
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.json().error.code).toBe("too_many_webhooks");
    await env.server.database.db.deleteFrom("webhook_endpoints").execute();
  });

  it("rotating the secret signs with the new one, and with the old one for a day", async () => {
    const endpoint = await env.addEndpoint({ url: receiver.url });
    const rotated = await env.owner.request(
      "POST",
      `${env.base}/webhooks/${endpoint.id}/rotate-secret`,
    );
    expect(rotated.statusCode).toBe(200);
    const { secret, previous_secret_expires_at } = rotated.json().endpoint;
    expect(secret).not.toBe(endpoint.secret);
    const grace = new Date(previous_secret_expires_at).getTime() - Date.now();
    expect(grace).toBeGreaterThan(23 * 3600_000);
    expect(grace).toBeLessThanOrEqual(24 * 3600_000);

    const ping = await env.owner.request("POST", `${env.base}/webhooks/${endpoint.id}/ping`);
    expect(ping.statusCode).toBe(202);
    expect(ping.json().delivery).toMatchObject({ event_type: "ping", status: "pending" });
    const [request] = await waitFor(
      () => (receiver.accepted().length ? receiver.accepted() : null),
      "the ping",
    );
    const header = request?.headers["cancel-insights-signature"];
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, request?.body ?? "", secret)).toBe(true);
    expect(verifySignature(header, request?.body ?? "", endpoint.secret)).toBe(true);
    expect(JSON.parse(request?.body ?? "")).toMatchObject({
      id: ping.json().delivery.id,
      type: "ping",
      data: { endpoint_id: endpoint.id },
    });
  });

  it("pages the delivery log, newest first, per endpoint", async () => {
    const [endpoint] = (await env.owner.request("GET", `${env.base}/webhooks`)).json().endpoints;
    for (let i = 0; i < 4; i++) await env.postEvent();
    const url = `${env.base}/webhooks/deliveries?endpoint_id=${endpoint.id}&limit=3`;
    const first = (await env.owner.request("GET", url)).json();
    expect(first.deliveries).toHaveLength(3);
    expect(first.next_before).toBe(first.deliveries[2].id);
    const second = (await env.owner.request("GET", `${url}&before=${first.next_before}`)).json();
    expect(second.deliveries).toHaveLength(2);
    expect(second.next_before).toBeNull();
    const all = [...first.deliveries, ...second.deliveries];
    expect(all.map((d: { event_type: string }) => d.event_type)).toEqual([
      "cancellation.created",
      "cancellation.created",
      "cancellation.created",
      "cancellation.created",
      "ping",
    ]);
    const times = all.map((d: { created_at: string }) => d.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all[0].customer_oid).toMatch(/^cus_/);

    const unknown = await env.owner.request(
      "POST",
      `${env.base}/webhooks/deliveries/dlv_nope/redeliver`,
    );
    expect(unknown.statusCode).toBe(404);
  });

  it("refuses to redeliver a delivery a worker is sending right now", async () => {
    const db = env.server.database.db;
    const [latest] = await env.deliveries();
    // As a worker's claim leaves it.
    const lease = new Date(Date.now() + 60_000);
    const [delivery] = await db
      .updateTable("webhook_deliveries")
      .set({ status: "pending", locked_until: lease, next_attempt_at: lease, lease_token: "x" })
      .where("account_id", "=", env.server.accountId)
      .where("id", "=", latest?.id ?? "")
      .returningAll()
      .execute();
    const response = await env.owner.request(
      "POST",
      `${env.base}/webhooks/deliveries/${delivery?.id}/redeliver`,
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe("delivery_in_progress");
  });
});

import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/browser.js";
import {
  deliveryIdOf,
  drainedPastMarker,
  expectDeliveredOnce,
  queueAtRest,
} from "./exactly-once.js";
import { createReceiver, type Receiver, verifySignature } from "./receiver.js";
import { startWebhookTest, type WebhookTestEnv } from "./setup.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

let env: WebhookTestEnv;
const receivers: Receiver[] = [];

beforeAll(async () => {
  env = await startWebhookTest();
});
afterAll(() => env.server.close());
afterEach(async () => {
  // Each test has its own endpoints: the next one must not see them.
  await env.server.database.db.deleteFrom("webhook_endpoints").execute();
  await Promise.all(receivers.splice(0).map((r) => r.down()));
});

async function receiver(answer?: Parameters<typeof createReceiver>[0]): Promise<Receiver> {
  const created = await createReceiver(answer);
  receivers.push(created);
  return created;
}

async function settled(count: number) {
  return waitFor(async () => {
    const all = await env.deliveries();
    return all.length >= count && all.every((d) => d.status !== "pending") ? all : null;
  }, `${count} deliveries settled`);
}

describe("delivery", () => {
  it("survives the receiver being down: retried until 2xx, nothing lost, nothing sent twice", async () => {
    // Down at first (connection refused), then errors and cut connections, then fine.
    const hook = await receiver((n) => (n % 3 === 0 ? 503 : n % 3 === 1 ? "drop" : 200));
    const endpoint = await env.addEndpoint({ url: hook.url });
    // All at once: each attempt while the receiver is down doubles the wait before the next,
    // so the shorter that time, the sooner all are sent once it is up, however busy the machine.
    const events = await Promise.all(Array.from({ length: 8 }, () => env.postEvent()));
    await waitFor(async () => {
      const all = await env.deliveries();
      return all.length === 8 && all.every((d) => d.attempts >= 2);
    }, "attempts while the receiver is down");
    expect(hook.received).toEqual([]);
    await hook.up();

    // Each sent once, by the receiver's log and the database's, even counting what might
    // still come late: a ping queued after the eight have settled has come in too.
    const ping = async () => {
      const queued = await env.owner.request("POST", `${env.base}/webhooks/${endpoint.id}/ping`);
      expect(queued.statusCode).toBe(202);
    };
    const { db } = env.server.database;
    const logged = await drainedPastMarker(db, env.server.accountId, 8, ping, 40_000);
    expectDeliveredOnce(hook.received, logged);
    const isPing = (d: { event_type: string }) => d.event_type === "ping";
    const deliveries = (await env.deliveries()).filter((d) => !isPing(d));
    expect(deliveries.map((d) => d.status)).toEqual(Array(8).fill("delivered"));
    const accepted = hook.accepted().filter((r) => r.headers["cancel-insights-event"] !== "ping");
    expect(accepted).toHaveLength(8);
    expect(new Set(accepted.map(deliveryIdOf))).toEqual(new Set(deliveries.map((d) => d.id)));
    const sentEvents = accepted.map((r) => JSON.parse(r.body).data.event.id).sort();
    expect(sentEvents).toEqual(events.map((e) => e.id).sort());
    for (const r of accepted)
      expect(verifySignature(r.headers["cancel-insights-signature"], r.body, endpoint.secret)).toBe(
        true,
      );

    // The log tells the story of each: refused connections first, then the receiver's answers.
    const log = (await env.owner.request("GET", `${env.base}/webhooks/deliveries?limit=100`))
      .json()
      .deliveries.filter((d: { event_type: string }) => !isPing(d));
    expect(log).toHaveLength(8);
    for (const delivery of log) {
      const attempts = delivery.attempt_log;
      expect(attempts.length).toBe(delivery.attempts);
      expect(attempts[0]).toMatchObject({
        status_code: null,
        error: expect.stringMatching(/ECONNREFUSED|connect/),
      });
      expect(attempts.at(-1)).toMatchObject({ status_code: 200, error: null });
      expect(delivery.status).toBe("delivered");
    }
  });

  it("sends the documented payload, headers and signature", async () => {
    const hook = await receiver();
    await hook.up();
    const endpoint = await env.addEndpoint({ url: hook.url });
    const event = await env.postEvent({ subscription_oids: ["sub_1"], comment: "Café & <tags>" });
    const [request] = await waitFor(
      () => (hook.accepted().length > 0 ? hook.accepted() : null),
      "a delivery",
    );
    const [delivery] = await env.deliveries();

    expect(request?.headers).toMatchObject({
      "content-type": "application/json",
      "cancel-insights-delivery": delivery?.id,
      "cancel-insights-event": "cancellation.created",
    });
    const header = request?.headers["cancel-insights-signature"];
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, request?.body ?? "", endpoint.secret)).toBe(true);
    expect(verifySignature(header, `${request?.body} `, endpoint.secret)).toBe(false);
    expect(verifySignature(header, request?.body ?? "", "whsec_wrong")).toBe(false);
    const old = Math.floor(Date.now() / 1000) + 301;
    expect(verifySignature(header, request?.body ?? "", endpoint.secret, old)).toBe(false);

    const body = JSON.parse(request?.body ?? "");
    // The event as the REST API shows it.
    const shown = await env.server.app.inject({
      url: `/v1/cancellation_insights/events/${event.id}`,
      headers: { authorization: `Bearer ${env.server.secretKey}` },
    });
    const stored = shown.json().event;
    expect(body).toEqual({
      id: delivery?.id,
      type: "cancellation.created",
      created_at: new Date(delivery?.created_at ?? 0).toISOString(),
      account_id: env.server.accountId,
      // The event as stored, but as it was then: the install check is decided just after.
      data: { event: { ...stored, install_check: expect.any(Boolean) } },
    });
    expect(body.data.event.comment).toBe("Café & <tags>");

    // And it is what the OpenAPI document's `webhooks` promise.
    const doc = (await env.server.app.inject({ url: "/v1/openapi.json" })).json();
    const documented =
      doc.webhooks["cancellation.created"].post.requestBody.content["application/json"].schema;
    const validate = addFormats(new Ajv2020({ strict: false, allErrors: true })).compile(
      documented,
    );
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });

  it("sends nothing for dismissals, nor for test events unless the endpoint asks for them", async () => {
    const hook = await receiver();
    await hook.up();
    await env.addEndpoint({ url: hook.url });
    const withTest = await env.addEndpoint({ url: `${hook.url}?test=1`, include_test: true });
    await env.postEvent({ kind: "dismissal", reason_id: undefined, comment: undefined });
    const test = await env.postEvent({ test_mode: true });
    const skip = await env.postEvent({ kind: "skip", reason_id: undefined });

    const deliveries = await settled(3);
    const sent = deliveries.map((d) => [d.endpoint_id === withTest.id, d.event_id]);
    expect(sent).toEqual(
      expect.arrayContaining([
        [true, test.id],
        [false, skip.id],
        [true, skip.id],
      ]),
    );
    expect(deliveries).toHaveLength(3);
    expect(hook.accepted()).toHaveLength(3);
  });

  it("sends cancellation.updated when reason or comment change, whoever changes them", async () => {
    const hook = await receiver();
    await hook.up();
    await env.addEndpoint({ url: hook.url });
    const createdOnly = await env.addEndpoint({
      url: `${hook.url}?only=created`,
      event_types: ["cancellation.created"],
    });
    const event = await env.postEvent();
    await settled(2);
    const db = env.server.database.db;
    // As the REST API's update does: a plain UPDATE.
    await db
      .updateTable("events")
      .set({ comment: "Actually, we moved to a competitor" })
      .where("id", "=", event.id)
      .execute();
    // The billing sync's MRR is no change of the answer.
    await db.updateTable("events").set({ mrr_amount: 4900, mrr_currency: "eur" }).execute();

    const deliveries = await settled(3);
    const updated = deliveries.filter((d) => d.event_type === "cancellation.updated");
    expect(updated).toHaveLength(1);
    expect(updated[0]?.endpoint_id).not.toBe(createdOnly.id);
    const request = hook.accepted().find((r) => deliveryIdOf(r) === updated[0]?.id);
    expect(request?.headers["cancel-insights-event"]).toBe("cancellation.updated");
    expect(JSON.parse(request?.body ?? "").data.event).toMatchObject({
      id: event.id,
      comment: "Actually, we moved to a competitor",
    });
  });

  it("hears of events the REST API records and updates, with no call of its own", async () => {
    const hook = await receiver();
    await hook.up();
    await env.addEndpoint({ url: hook.url });
    const v1 = (method: "POST" | "PUT", path: string, payload: object) =>
      env.server.app.inject({
        method,
        url: `/v1/cancellation_insights${path}`,
        headers: { authorization: `Bearer ${env.server.secretKey}` },
        payload,
      });
    const created = await v1("POST", "/events", {
      reason_id: env.reason.id,
      customer_oid: "cus_backend",
      comment: "From our billing backend",
    });
    expect(created.statusCode, created.body).toBe(200);
    const { id } = created.json().event;
    await settled(1);
    const updated = await v1("PUT", `/events/${id}`, { comment: "Changed on the phone" });
    expect(updated.statusCode, updated.body).toBe(200);

    const deliveries = await settled(2);
    expect(deliveries.map((d) => [d.event_type, d.event_id])).toEqual([
      ["cancellation.created", id],
      ["cancellation.updated", id],
    ]);
    const bodies = hook.accepted().map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => [b.type, b.data.event.source, b.data.event.comment])).toEqual([
      ["cancellation.created", "api", "From our billing backend"],
      ["cancellation.updated", "api", "Changed on the phone"],
    ]);
    // One event shape for every server-side consumer: the webhook's is the REST API's.
    expect(bodies[1].data.event).toEqual(updated.json().event);
  });
});

describe("when attempts run out", () => {
  let short: WebhookTestEnv;
  beforeAll(async () => {
    short = await startWebhookTest({ WEBHOOK_MAX_ATTEMPTS: "3" });
  });
  afterAll(() => short.server.close());

  it("gives up after the last attempt, and an owner's redelivery sends it again with the same id", async () => {
    const hook = await receiver((n) => (n < 3 ? 500 : 200));
    await hook.up();
    await short.addEndpoint({ url: hook.url });
    await short.postEvent();
    const failed = await waitFor(async () => {
      const [d] = await short.deliveries();
      return d?.status === "failed" ? d : null;
    }, "the delivery to fail");
    expect(failed).toMatchObject({ attempts: 3, last_status_code: 500 });

    const response = await short.owner.request(
      "POST",
      `${short.base}/webhooks/deliveries/${failed.id}/redeliver`,
    );
    expect(response.statusCode).toBe(202);
    const delivered = await waitFor(async () => {
      const [d] = await short.deliveries();
      return d?.status === "delivered" ? d : null;
    }, "the redelivery");
    expect(delivered).toMatchObject({ id: failed.id, attempts: 1, last_status_code: 200 });
    // The redelivery is the marker: no fourth attempt came before it, nor a second after.
    const atRest = await queueAtRest(short.server.database.db, short.server.accountId, 1);
    expectDeliveredOnce(hook.received, atRest);
    expect(hook.received.map((r) => [deliveryIdOf(r), r.status])).toEqual([
      [failed.id, 500],
      [failed.id, 500],
      [failed.id, 500],
      [failed.id, 200],
    ]);
    const [logged] = (await short.owner.request("GET", `${short.base}/webhooks/deliveries`)).json()
      .deliveries;
    expect(logged.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([
      500, 500, 500, 200,
    ]);
  });
});

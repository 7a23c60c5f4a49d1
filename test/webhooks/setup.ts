import { expect } from "vitest";
import { createReasonsRepository } from "../../src/db/repositories/reasons.js";
import type { WebhookDelivery } from "../../src/db/schema.js";
import { postWidgetEvent } from "../helpers/api.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

/**
 * Fast retries and polling, local receivers allowed: webhooks as tests need them. Receivers
 * get long to answer: a test's receiver shares a busy machine (in-process, the event loop
 * of the server and its PGlite), and one that answers after the worker gave up is sent the
 * delivery again (at least once, as promised), which would read as a duplicate.
 */
export const FAST_WEBHOOKS = {
  WORKER: "on",
  WEBHOOK_ALLOW_PRIVATE_TARGETS: "on",
  WEBHOOK_RETRY_BASE_MS: "20",
  WEBHOOK_POLL_MS: "20",
  WEBHOOK_TIMEOUT_MS: "30000",
  PUBLIC_URL: "https://insights.example.com",
};

export interface WebhookTestEnv {
  server: TestServer;
  owner: Client;
  base: string;
  reason: { id: string; text: string };
  addEndpoint(body: Record<string, unknown>): Promise<{ id: string; secret: string }>;
  /** An answer (or other kind) through the widget's real ingest route. */
  postEvent(fields?: Record<string, unknown>): Promise<{ id: string }>;
  deliveries(): Promise<WebhookDelivery[]>;
}

export async function startWebhookTest(env: Record<string, string> = {}): Promise<WebhookTestEnv> {
  const server = await startTestServer({ listen: false, env: { ...FAST_WEBHOOKS, ...env } });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  const owner = await signIn(server, "owner@example.com");
  const base = `/api/accounts/${server.accountId}`;
  const [reason] = await createReasonsRepository(server.database.db).list(server.accountId);
  if (!reason) throw new Error("no reason");
  let n = 0;
  return {
    server,
    owner,
    base,
    reason,
    async addEndpoint(body) {
      const response = await owner.request("POST", `${base}/webhooks`, body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json().endpoint;
    },
    async postEvent(fields = {}) {
      const response = await postWidgetEvent(server, {
        access_token_id: server.accessTokenId,
        customer_oid: `cus_${++n}`,
        reason_id: reason.id,
        comment: "Too pricey for us",
        idempotency_key: `key-${process.pid}-${n}-${Date.now()}`,
        ...fields,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().event;
    },
    deliveries() {
      return server.database.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("account_id", "=", server.accountId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
    },
  };
}

import { createHmac } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { createKeyring, newKey } from "../../src/db/secrets/keyring.js";
import { postWidgetEvent } from "../helpers/api.js";
import { waitFor } from "../helpers/browser.js";
import { createReceiver, type Receiver, verifySignature } from "../webhooks/receiver.js";
import { startWebhookTest, type WebhookTestEnv } from "../webhooks/setup.js";

let env: WebhookTestEnv;
let receiver: Receiver;

beforeAll(async () => {
  env = await startWebhookTest();
  receiver = await createReceiver();
  await receiver.up();
});
afterAll(async () => {
  await receiver.down();
  await env.server.close();
});

/** Every row of every table, as text: what a copy of the database would give away. */
async function wholeDatabase(db: Database): Promise<string> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  const dumps: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`
      select row_to_json(t)::text as row from ${sql.table(name)} t`.execute(db);
    dumps.push(...rows.rows.map((r) => r.row));
  }
  return dumps.join("\n");
}

describe("secrets at rest", () => {
  it("the database holds no secret in plaintext, yet webhooks are signed and customer hashes checked with them", async () => {
    const { owner, base, server } = env;
    const endpoint = await env.addEndpoint({ url: receiver.url });
    const rotated = await owner.request("POST", `${base}/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const secret: string = rotated.json().endpoint.secret;
    const settingsUrl = `${base}/widget-settings`;
    const turnedOn = await owner.request("PATCH", settingsUrl, { verify_customers: true });
    expect(turnedOn.statusCode).toBe(200);
    const hashSecret: string = turnedOn.json().settings.customer_hash_secret;
    expect(hashSecret).toMatch(/^[0-9a-f]{64}$/);

    const dump = await wholeDatabase(server.database.db);
    expect(dump).toContain(endpoint.id);
    for (const plaintext of [endpoint.secret, secret, hashSecret]) {
      expect(dump).not.toContain(plaintext);
    }
    const stored = await server.database.db
      .selectFrom("webhook_endpoints")
      .select(["secret", "previous_secret"])
      .where("id", "=", endpoint.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(stored.previous_secret).toMatch(/^enc:v1:[0-9a-f]{8}:/);

    const customer = "cus_verified";
    const hash = createHmac("sha256", hashSecret).update(customer).digest("hex");
    const answer = await postWidgetEvent(server, {
      access_token_id: server.accessTokenId,
      customer_oid: customer,
      customer_oid_hash: hash,
      reason_id: env.reason.id,
      idempotency_key: `sealed-${Date.now()}`,
    });
    expect(answer.statusCode, answer.body).toBe(201);
    const [request] = await waitFor(
      () => (receiver.accepted().length > 0 ? receiver.accepted() : null),
      "the delivery",
    );
    const header = request?.headers["cancel-insights-signature"];
    // Signed with the new secret, and for a day with the one before the rotation.
    expect(verifySignature(header, request?.body ?? "", secret)).toBe(true);
    expect(verifySignature(header, request?.body ?? "", endpoint.secret)).toBe(true);

    await owner.request("PATCH", settingsUrl, { verify_customers: false });
    await owner.request("DELETE", `${base}/webhooks/${endpoint.id}`);
  });

  it("a delivery whose signing secret does not open is not sent; its attempt says why", async () => {
    const endpoint = await env.addEndpoint({ url: receiver.url });
    const before = receiver.received.length;
    // Sealed with a key this server does not hold (a rotation it missed, say).
    const stranger = createKeyring([newKey()]);
    const context = `webhook_endpoints.secret ${JSON.stringify([env.server.accountId, endpoint.id])}`;
    await env.server.database.db
      .updateTable("webhook_endpoints")
      .set({ secret: stranger.seal("whsec_elsewhere", context) })
      .where("id", "=", endpoint.id)
      .execute();
    await env.postEvent();
    const [attempt] = await waitFor(async () => {
      const rows = await env.server.database.db
        .selectFrom("webhook_attempts")
        .innerJoin("webhook_deliveries", "webhook_deliveries.id", "webhook_attempts.delivery_id")
        .select(["webhook_attempts.error", "webhook_attempts.status_code"])
        .where("webhook_deliveries.endpoint_id", "=", endpoint.id)
        .execute();
      return rows.length > 0 ? rows : null;
    }, "the failed attempt");
    expect(attempt).toEqual({
      status_code: null,
      error: "not sent: the endpoint's signing secret could not be opened with this server's keys",
    });
    expect(receiver.received.length).toBe(before);
    // The endpoint's page fails plainly, without telling the browser which key is missing.
    const shown = await env.owner.request("GET", `${env.base}/webhooks`);
    expect(shown.statusCode).toBe(500);
    expect(shown.json().error).toEqual({
      code: "secrets_key_missing",
      message: "A stored secret is encrypted with a key this server does not have.",
    });
    await env.server.database.db.deleteFrom("webhook_endpoints").execute();
  });
});

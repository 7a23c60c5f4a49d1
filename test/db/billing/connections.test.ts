import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/errors.js";
import { billingDatabase, connectedAccount, snapshot } from "./setup.js";

const { db, repos } = billingDatabase();

/** The stored values of the sealed columns, as a stolen backup shows them. */
async function rawSecrets(id: string) {
  const result = await sql<{ api_key: string | null; webhook_secret: string | null }>`
    select api_key, webhook_secret from billing_connections where id = ${id}`.execute(db());
  return result.rows[0];
}

describe("a billing connection", () => {
  it("keeps its API key and webhook secret sealed at rest, and opens them back", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r, "live");
    const stored = await rawSecrets(connection.id);
    expect(stored?.api_key).toMatch(/^enc:v1:/);
    expect(stored?.webhook_secret).toMatch(/^enc:v1:/);
    expect(JSON.stringify(stored)).not.toContain("secretpart");

    expect(await r.billingConnections.openApiKey(accountId, connection.id)).toBe(
      `rk_live_${accountId}secretpart`,
    );
    expect(await r.billingConnections.getForWebhook(connection.id)).toMatchObject({
      connection: { id: connection.id, account_id: accountId },
      webhookSecret: `whsec_${accountId}`,
    });
    expect(connection).toMatchObject({
      status: "active",
      mode: "live",
      api_key_hint: "rk_live_…part",
      has_webhook_secret: true,
    });
    // Neither the key nor the secret leaves through what is shown or listed.
    const shown = JSON.stringify([
      connection,
      await r.billingConnections.get(accountId, connection.id),
      await r.billingConnections.listForAccount(accountId),
      await r.billingConnections.listActive(),
    ]);
    expect(shown).not.toContain("secretpart");
    expect(shown).not.toContain("whsec_");
    expect(shown).not.toContain("enc:v1:");

    expect(await r.billingConnections.setWebhookSecret(accountId, connection.id, "whsec_new")).toBe(
      true,
    );
    expect((await rawSecrets(connection.id))?.webhook_secret).toMatch(/^enc:v1:/);
    expect((await r.billingConnections.getForWebhook(connection.id))?.webhookSecret).toBe(
      "whsec_new",
    );
  });

  it("is one active per account, provider and mode: a second is refused with 409, live and test sit side by side", async () => {
    const r = repos();
    const { accountId } = await connectedAccount(r, "live");
    const second = r.billingConnections.create(accountId, {
      provider: "stripe",
      mode: "live",
      apiKey: "rk_live_other",
    });
    await expect(second).rejects.toMatchObject({ code: "billing_already_connected" });
    const error = await second.catch((e) => e);
    expect(AppError.from(error).status).toBe(409);

    const test = await r.billingConnections.create(accountId, {
      provider: "stripe",
      mode: "test",
      apiKey: "rk_test_other",
    });
    expect(test).toMatchObject({ mode: "test", status: "active", has_webhook_secret: false });
    expect(await r.billingConnections.listForAccount(accountId)).toHaveLength(2);
  });

  it("disconnected, drops its secrets and keeps its customers and subscriptions; a new one may follow", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r, "live");
    await r.billingCustomers.upsertMany([
      {
        connection_id: connection.id,
        account_id: accountId,
        id: "cus_1",
        test_mode: false,
        email: "a@example.com",
        name: null,
        created: null,
        deleted: false,
        raw: {},
      },
    ]);
    await r.billingSubscriptions.upsertMany([snapshot(connection)]);
    const run = await r.billingSyncRuns.start(accountId, connection.id, null);

    const disconnected = await r.billingConnections.disconnect(accountId, connection.id);
    expect(disconnected).toMatchObject({ status: "disconnected", has_webhook_secret: false });
    expect(disconnected?.disconnected_at).toBeInstanceOf(Date);
    expect(await rawSecrets(connection.id)).toEqual({ api_key: null, webhook_secret: null });
    expect(await r.billingConnections.openApiKey(accountId, connection.id)).toBeUndefined();
    expect(await r.billingConnections.getForWebhook(connection.id)).toBeUndefined();
    expect(await r.billingConnections.listActive()).not.toContainEqual(
      expect.objectContaining({ id: connection.id }),
    );
    expect(await r.billingSyncRuns.get(accountId, run?.id ?? "")).toMatchObject({
      state: "canceled",
    });
    // The history stays.
    expect(await r.billingCustomers.get(accountId, connection.id, "cus_1")).toBeDefined();
    expect(await r.billingSubscriptions.get(accountId, connection.id, "sub_1")).toBeDefined();
    expect(await r.billingCustomers.existsForAccount(accountId, "cus_1", false)).toBe(true);
    // Once more is harmless, and the mode is free again.
    expect(await r.billingConnections.disconnect(accountId, connection.id)).toMatchObject({
      status: "disconnected",
    });
    await expect(
      r.billingConnections.create(accountId, {
        provider: "stripe",
        mode: "live",
        apiKey: "rk_live_2",
      }),
    ).resolves.toMatchObject({ status: "active" });
  });

  it("keeps its last error and the event cursor with when it moved", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    await r.billingConnections.recordError(accountId, connection.id, {
      code: "rate_limited",
      message: "Stripe asked us to slow down.",
    });
    const failed = await r.billingConnections.get(accountId, connection.id);
    expect(failed?.last_error).toMatchObject({
      code: "rate_limited",
      message: "Stripe asked us to slow down.",
    });
    expect(Number.isNaN(Date.parse(failed?.last_error?.at ?? ""))).toBe(false);
    await r.billingConnections.clearError(accountId, connection.id);
    expect((await r.billingConnections.get(accountId, connection.id))?.last_error).toBeNull();

    expect(connection.event_cursor).toBeNull();
    const cursor = { eventId: "evt_9", created: 1_790_000_000 };
    expect(await r.billingConnections.saveEventCursor(accountId, connection.id, cursor)).toBe(true);
    const saved = await r.billingConnections.get(accountId, connection.id);
    expect(saved?.event_cursor).toEqual(cursor);
    expect(saved?.event_cursor_at).toBeInstanceOf(Date);
  });

  it("is not readable or changeable through another account", async () => {
    const r = repos();
    const { accountId, connection } = await connectedAccount(r);
    const { accountId: otherId } = await connectedAccount(r);
    expect(await r.billingConnections.get(otherId, connection.id)).toBeUndefined();
    expect(await r.billingConnections.openApiKey(otherId, connection.id)).toBeUndefined();
    expect(await r.billingConnections.listForAccount(otherId)).not.toContainEqual(
      expect.objectContaining({ id: connection.id }),
    );
    expect(await r.billingConnections.setWebhookSecret(otherId, connection.id, "whsec_x")).toBe(
      false,
    );
    expect(await r.billingConnections.disconnect(otherId, connection.id)).toBeUndefined();
    expect(await r.billingSyncRuns.start(otherId, connection.id, null)).toBeUndefined();
    expect(await r.billingConnections.get(accountId, connection.id)).toMatchObject({
      status: "active",
    });
    // Rows cannot be filed under another account's connection.
    await expect(
      r.billingSubscriptions.upsertMany([{ ...snapshot(connection), account_id: otherId }]),
    ).rejects.toThrow();
  });
});

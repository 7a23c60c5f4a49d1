import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REASONS } from "../../src/db/default-reasons.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
});
afterAll(() => server.close());

function getConfig(query: string, headers: Record<string, string> = {}) {
  return server.app.inject({ url: `/api/widget/config?${query}`, headers });
}

describe("GET /api/widget/config", () => {
  it("gives the account's reasons in order, the texts and CORS for any origin", async () => {
    const response = await getConfig(`access_token_id=${server.accessTokenId}`, {
      origin: "https://shop.example.com",
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    expect(response.headers["cache-control"]).toBe("public, max-age=60");
    expect(String(response.headers.vary)).toMatch(/\bOrigin\b/i);
    const config = response.json();
    expect(config.reasons.map((r: { text: string }) => r.text)).toEqual([...DEFAULT_REASONS]);
    expect(config.account.name).toBe("Acme Test");
    expect(config.locale).toBe("en");
    expect(config.texts.submit).toBe("Continue cancelling");
    expect(config.comment_max_length).toBe(5000);
  });

  it("says whether an offer is active: the widget loads its offer step only then", async () => {
    const offers = server.app.repos.offers;
    const offersFlag = async () =>
      (await getConfig(`access_token_id=${server.accessTokenId}`)).json().offers;
    expect(await offersFlag()).toBe(false);
    const input = {
      kind: "contact_link" as const,
      title: "Talk to us",
      description: null,
      params: { url: "https://example.com/talk" },
      reason_ids: [],
      plan: null,
      min_tenure_days: null,
      max_tenure_days: null,
      billing_interval: null,
      active: false,
    };
    const offer = await offers.create(server.accountId, input);
    expect(await offersFlag()).toBe(false);
    await offers.update(server.accountId, offer.id, { ...input, active: true });
    expect(await offersFlag()).toBe(true);
    await offers.remove(server.accountId, offer.id);
    expect(await offersFlag()).toBe(false);
  });

  it("leaves archived reasons out and follows a new order", async () => {
    const db = server.database.db;
    const [first, second] = await db
      .selectFrom("reasons")
      .selectAll()
      .where("account_id", "=", server.accountId)
      .orderBy("sort_key")
      .limit(2)
      .execute();
    await db
      .updateTable("reasons")
      .set({ archived_at: new Date() })
      .where("id", "=", first?.id ?? "")
      .execute();
    await db
      .updateTable("reasons")
      .set({ sort_key: 1000 })
      .where("id", "=", second?.id ?? "")
      .execute();
    const config = (await getConfig(`access_token_id=${server.accessTokenId}`)).json();
    const ids = config.reasons.map((r: { id: string }) => r.id);
    expect(ids).not.toContain(first?.id);
    expect(ids.at(-1)).toBe(second?.id);
  });

  it.each([
    ["de-DE", "de", "Weiter kündigen"],
    ["fr", "fr", "Continuer la résiliation"],
    ["pt-BR", "en", "Continue cancelling"],
  ])("locale %s gives %s texts", async (requested, locale, submit) => {
    const config = (
      await getConfig(`access_token_id=${server.accessTokenId}&locale=${requested}`)
    ).json();
    expect(config.locale).toBe(locale);
    expect(config.texts.submit).toBe(submit);
  });

  it("refuses a missing token with 400 and an unknown one with 403", async () => {
    const missing = await getConfig("");
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({
      code: "validation_error",
      field: "access_token_id",
    });
    const unknown = await getConfig("access_token_id=tok_unknown");
    expect(unknown.statusCode).toBe(403);
    expect(unknown.json().error).toMatchObject({
      code: "invalid_access_token",
      field: "access_token_id",
    });
  });

  it("answers unknown routes with the JSON error shape", async () => {
    const response = await server.app.inject({ url: "/api/nope" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("not_found");
  });
});

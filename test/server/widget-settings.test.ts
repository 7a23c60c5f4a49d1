import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWidgetEvent } from "../helpers/api.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let owner: Client;
let member: Client;
let url: string;

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  await createUser(server, "member@example.com", { accounts: [[server.accountId, "member"]] });
  owner = await signIn(server, "owner@example.com");
  member = await signIn(server, "member@example.com");
  url = `/api/accounts/${server.accountId}/widget-settings`;
});
afterAll(() => server.close());

function widgetConfig(query = "", origin?: string) {
  return server.app.inject({
    url: `/api/widget/config?access_token_id=${server.accessTokenId}${query}`,
    headers: origin ? { origin } : {},
  });
}

function postEvent(origin: string | undefined, key: string, extra: object = {}) {
  return widgetConfig().then(async (config) =>
    postWidgetEvent(
      server,
      {
        access_token_id: server.accessTokenId,
        customer_oid: "cus_settings",
        reason_id: config.json().reasons[0].id,
        test_mode: true,
        idempotency_key: key,
        ...extra,
      },
      origin ? { origin } : {},
    ),
  );
}

describe("widget settings", () => {
  it("owners see the customer hash secret; members see the settings without it and cannot change them", async () => {
    const mine = (await owner.request("GET", url)).json().settings;
    expect(mine).toMatchObject({
      locale: null,
      brand_color: "#4f46e5",
      texts: {},
      allowed_origins: [],
      verify_customers: false,
    });
    expect(mine.customer_hash_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(mine.available_locales).toContain("de");
    expect((await member.request("GET", url)).json().settings.customer_hash_secret).toBeNull();
    const refused = await member.request("PATCH", url, { brand_color: "#000000" });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("forbidden");
  });

  it("language, words and colour reach the widget's config", async () => {
    const saved = await owner.request("PATCH", url, {
      locale: "de",
      brand_color: "#0F766E",
      texts: { de: { title: "Schade, dass Sie gehen", submit: "  " }, en: { submit: "Cancel" } },
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().settings).toMatchObject({
      locale: "de",
      brand_color: "#0f766e",
      texts: { de: { title: "Schade, dass Sie gehen" }, en: { submit: "Cancel" } },
    });
    const config = (await widgetConfig("&locale=fr")).json();
    expect(config.locale).toBe("de");
    expect(config.texts.title).toBe("Schade, dass Sie gehen");
    expect(config.texts.submit).toBe("Weiter kündigen");
    expect(config.brand.color).toBe("#0f766e");

    await owner.request("PATCH", url, { locale: null });
    const english = (await widgetConfig("&locale=en")).json();
    expect(english.texts.submit).toBe("Cancel");
  });

  it.each([
    [{ brand_color: "red" }, "brand_color"],
    [{ locale: "tlh" }, "locale"],
    [{ texts: { xx: { title: "Hi" } } }, "texts.xx"],
    [{ texts: { en: { heading: "Hi" } } }, "texts.en.heading"],
    [{ texts: { en: { title: 5 } } }, "texts.en.title"],
    [{ allowed_origins: ["https://shop.example.com/cancel"] }, "allowed_origins[0]"],
    [{ allowed_origins: ["ftp://files.example.com"] }, "allowed_origins[0]"],
    [{ verify_customers: "yes" }, "verify_customers"],
  ])("refuses %j naming %s, and changes nothing", async (body, field) => {
    const before = (await owner.request("GET", url)).json();
    const response = await owner.request("PATCH", url, body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "validation_error", field });
    expect((await owner.request("GET", url)).json()).toEqual(before);
  });

  it("refuses an empty change", async () => {
    expect((await owner.request("PATCH", url, {})).statusCode).toBe(400);
  });
});

describe("allowed origins", () => {
  it("only listed sites may load the config and store answers", async () => {
    await owner.request("PATCH", url, {
      allowed_origins: ["https://shop.example.com", "http://localhost:8080/"],
    });
    expect((await widgetConfig("", "https://shop.example.com")).statusCode).toBe(200);
    expect((await widgetConfig("", "http://localhost:8080")).statusCode).toBe(200);
    const refused = await widgetConfig("", "https://evil.example.com");
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("origin_not_allowed");

    const before = (await server.storedEvents()).length;
    const blocked = await postEvent("https://evil.example.com", "origin-evil-1");
    expect(blocked.statusCode).toBe(403);
    expect((await server.storedEvents()).length).toBe(before);
    expect((await postEvent("https://shop.example.com", "origin-shop-1")).statusCode).toBe(201);

    await owner.request("PATCH", url, { allowed_origins: [] });
    expect((await widgetConfig("", "https://evil.example.com")).statusCode).toBe(200);
  });
});

describe("verified customers switch", () => {
  it("when turned on, answers without a valid customer_oid_hash are refused", async () => {
    await owner.request("PATCH", url, { verify_customers: true });
    const refused = await postEvent(undefined, "verify-1");
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe("invalid_customer_hash");
    await owner.request("PATCH", url, { verify_customers: false });
    expect((await postEvent(undefined, "verify-2")).statusCode).toBe(201);
  });
});

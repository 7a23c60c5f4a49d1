import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createAccount, ownerAndMember } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let owner: Client;
let member: Client;
let base: string;
let reasonIds: string[];
/** Another account's offer and reason, which this account must not reach. */
let otherAccount: string;
let otherOffer: string;
let otherReason: string;

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  base = `/api/accounts/${server.accountId}`;
  ({ owner, member } = await ownerAndMember(server));
  reasonIds = (await owner.request("GET", `${base}/reasons`))
    .json()
    .reasons.map((r: { id: string }) => r.id);
  otherAccount = (await createAccount(server, "Other Ltd")).account.id;
  const [reason] = await server.app.repos.reasons.list(otherAccount);
  otherReason = reason?.id ?? "";
  otherOffer = (
    await server.app.repos.offers.create(otherAccount, {
      kind: "pause",
      title: "Other's pause",
      description: null,
      params: { months: 2 },
      reason_ids: [otherReason],
      plan: null,
      min_tenure_days: null,
      max_tenure_days: null,
      billing_interval: null,
      active: true,
    })
  ).id;
});
afterAll(() => server?.close());

const percentOff = () => ({
  kind: "discount",
  title: "20% off for 3 months",
  description: "Stay with us",
  params: { percent_off: 20, duration_in_months: 3 },
  reason_ids: [reasonIds[0]],
});

async function create(body: object = percentOff()) {
  const response = await owner.request("POST", `${base}/offers`, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json().offer;
}

describe("offer administration", () => {
  it("creates, lists, replaces and deletes an offer", async () => {
    const created = await create({
      ...percentOff(),
      reason_ids: [reasonIds[0], reasonIds[1]],
      plan: "Pro",
      min_tenure_days: 30,
      max_tenure_days: 365,
      billing_interval: "month",
    });
    expect(created).toMatchObject({
      kind: "discount",
      title: "20% off for 3 months",
      description: "Stay with us",
      params: { percent_off: 20, duration_in_months: 3 },
      reason_ids: [reasonIds[0], reasonIds[1]],
      plan: "Pro",
      min_tenure_days: 30,
      max_tenure_days: 365,
      billing_interval: "month",
      active: true,
    });
    // Members see the offers too.
    const listed = (await member.request("GET", `${base}/offers`)).json().offers;
    expect(listed).toEqual([created]);

    // PUT replaces the offer whole: conditions left out are gone, the currency kept lower case.
    const replaced = await owner.request("PUT", `${base}/offers/${created.id}`, {
      kind: "discount",
      title: "€5 off",
      params: { amount_off: 500, currency: "EUR", duration_in_months: 2 },
      reason_ids: [reasonIds[2]],
      active: false,
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().offer).toMatchObject({
      id: created.id,
      title: "€5 off",
      description: null,
      params: { amount_off: 500, currency: "eur", duration_in_months: 2 },
      reason_ids: [reasonIds[2]],
      plan: null,
      min_tenure_days: null,
      max_tenure_days: null,
      billing_interval: null,
      active: false,
    });
    expect(replaced.json().offer.params).not.toHaveProperty("percent_off");
    const stored = await server.app.repos.offers.find(server.accountId, created.id);
    expect(stored).toMatchObject({ title: "€5 off", active: false, reason_ids: [reasonIds[2]] });

    const removed = await owner.request("DELETE", `${base}/offers/${created.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await owner.request("GET", `${base}/offers`)).json().offers).toEqual([]);
    const again = await owner.request("DELETE", `${base}/offers/${created.id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe("offer_not_found");
  });

  it("takes each kind with its own parameters", async () => {
    const kinds = [
      { kind: "pause", params: { months: 3 } },
      { kind: "price_switch", params: { price_id: "price_basic", proration: "none" } },
      { kind: "price_switch", params: { price_id: "price_basic" } },
      { kind: "trial_extension", params: { days: 14 } },
      { kind: "contact_link", params: { url: "https://example.com/talk" } },
      { kind: "contact_link", params: { url: "http://example.com/talk?x=1" } },
    ];
    for (const { kind, params } of kinds) {
      const offer = await create({ ...percentOff(), kind, params });
      expect(offer).toMatchObject({ kind, params });
      await owner.request("DELETE", `${base}/offers/${offer.id}`);
    }
  });

  it("keeps the accepts of a deleted offer on record", async () => {
    const offer = await create();
    await server.app.repos.offerAcceptances.record(server.accountId, {
      offer_id: offer.id,
      offer_kind: "discount",
      connection_id: null,
      customer_id: "cus_kept",
      subscription_id: "sub_kept",
      test_mode: false,
      token_id: "nonce_kept",
      result: "applied",
      error_code: null,
    });
    expect((await owner.request("DELETE", `${base}/offers/${offer.id}`)).statusCode).toBe(204);
    const kept = await server.app.repos.offerAcceptances.appliedForCustomer(
      server.accountId,
      "cus_kept",
    );
    expect(kept).toMatchObject([{ offer_id: offer.id, result: "applied" }]);
  });

  it("lets only owners change offers", async () => {
    const offer = await create();
    const attempts = [
      member.request("POST", `${base}/offers`, percentOff()),
      member.request("PUT", `${base}/offers/${offer.id}`, { ...percentOff(), title: "Mine" }),
      member.request("DELETE", `${base}/offers/${offer.id}`),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("forbidden");
    }
    const listed = (await owner.request("GET", `${base}/offers`)).json().offers;
    expect(listed).toEqual([offer]);
    await owner.request("DELETE", `${base}/offers/${offer.id}`);
  });

  it("does not find another account's offer, and leaves it as it was", async () => {
    const put = await owner.request("PUT", `${base}/offers/${otherOffer}`, percentOff());
    expect(put.statusCode).toBe(404);
    expect(put.json().error.code).toBe("offer_not_found");
    const removed = await owner.request("DELETE", `${base}/offers/${otherOffer}`);
    expect(removed.statusCode).toBe(404);
    expect(removed.json().error.code).toBe("offer_not_found");
    const unknown = await owner.request("PUT", `${base}/offers/ofr_nothing`, percentOff());
    expect(unknown.json().error.code).toBe("offer_not_found");
    const theirs = await server.app.repos.offers.find(otherAccount, otherOffer);
    expect(theirs).toMatchObject({ title: "Other's pause", params: { months: 2 } });
  });
});

describe("a refused offer names its field", () => {
  const cases: Array<[string, (b: ReturnType<typeof percentOff>) => object, string, string]> = [
    ["no kind", ({ kind: _, ...b }) => b, "validation_error", "kind"],
    ["an unknown kind", (b) => ({ ...b, kind: "bribe" }), "validation_error", "kind"],
    ["an empty title", (b) => ({ ...b, title: "" }), "validation_error", "title"],
    ["a blank title", (b) => ({ ...b, title: "   " }), "validation_error", "title"],
    ["a long title", (b) => ({ ...b, title: "x".repeat(81) }), "validation_error", "title"],
    [
      "a long description",
      (b) => ({ ...b, description: "x".repeat(301) }),
      "validation_error",
      "description",
    ],
    ["no reasons", (b) => ({ ...b, reason_ids: [] }), "validation_error", "reason_ids"],
    [
      "a reason twice",
      (b) => ({ ...b, reason_ids: [reasonIds[0], reasonIds[0]] }),
      "validation_error",
      "reason_ids",
    ],
    [
      "an unknown reason",
      (b) => ({ ...b, reason_ids: ["rsn_nothing"] }),
      "unknown_reason",
      "reason_ids",
    ],
    [
      "another account's reason",
      (b) => ({ ...b, reason_ids: [reasonIds[0], otherReason] }),
      "unknown_reason",
      "reason_ids",
    ],
    [
      "max tenure below min",
      (b) => ({ ...b, min_tenure_days: 90, max_tenure_days: 30 }),
      "validation_error",
      "max_tenure_days",
    ],
    [
      "a negative tenure",
      (b) => ({ ...b, min_tenure_days: -1 }),
      "validation_error",
      "min_tenure_days",
    ],
    [
      "an unknown interval",
      (b) => ({ ...b, billing_interval: "fortnight" }),
      "validation_error",
      "billing_interval",
    ],
    ["active as text", (b) => ({ ...b, active: "yes" }), "validation_error", "active"],
    [
      "0 percent off",
      (b) => ({ ...b, params: { percent_off: 0, duration_in_months: 3 } }),
      "validation_error",
      "params.percent_off",
    ],
    [
      "101 percent off",
      (b) => ({ ...b, params: { percent_off: 101, duration_in_months: 3 } }),
      "validation_error",
      "params.percent_off",
    ],
    [
      "a discount of nothing",
      (b) => ({ ...b, params: { duration_in_months: 3 } }),
      "validation_error",
      "params.percent_off",
    ],
    [
      "percent and amount both",
      (b) => ({
        ...b,
        params: { percent_off: 10, amount_off: 100, currency: "usd", duration_in_months: 3 },
      }),
      "validation_error",
      "params.amount_off",
    ],
    [
      "a zero amount",
      (b) => ({ ...b, params: { amount_off: 0, currency: "usd", duration_in_months: 3 } }),
      "validation_error",
      "params.amount_off",
    ],
    [
      "an amount without currency",
      (b) => ({ ...b, params: { amount_off: 100, duration_in_months: 3 } }),
      "validation_error",
      "params.currency",
    ],
    [
      "a currency of two letters",
      (b) => ({ ...b, params: { amount_off: 100, currency: "us", duration_in_months: 3 } }),
      "validation_error",
      "params.currency",
    ],
    [
      "a currency with a percent",
      (b) => ({ ...b, params: { percent_off: 10, currency: "usd", duration_in_months: 3 } }),
      "validation_error",
      "params.currency",
    ],
    [
      "a discount without duration",
      (b) => ({ ...b, params: { percent_off: 10 } }),
      "validation_error",
      "params.duration_in_months",
    ],
    [
      "37 months of discount",
      (b) => ({ ...b, params: { percent_off: 10, duration_in_months: 37 } }),
      "validation_error",
      "params.duration_in_months",
    ],
    [
      "a pause without months",
      (b) => ({ ...b, kind: "pause", params: {} }),
      "validation_error",
      "params.months",
    ],
    [
      "a pause of 13 months",
      (b) => ({ ...b, kind: "pause", params: { months: 13 } }),
      "validation_error",
      "params.months",
    ],
    [
      "a pause with a discount's parameter",
      (b) => ({ ...b, kind: "pause", params: { months: 2, percent_off: 10 } }),
      "validation_error",
      "params.percent_off",
    ],
    [
      "a price switch without price",
      (b) => ({ ...b, kind: "price_switch", params: {} }),
      "validation_error",
      "params.price_id",
    ],
    [
      "an empty price id",
      (b) => ({ ...b, kind: "price_switch", params: { price_id: "" } }),
      "validation_error",
      "params.price_id",
    ],
    [
      "an unknown proration",
      (b) => ({ ...b, kind: "price_switch", params: { price_id: "price_x", proration: "maybe" } }),
      "validation_error",
      "params.proration",
    ],
    [
      "a trial extension of 0 days",
      (b) => ({ ...b, kind: "trial_extension", params: { days: 0 } }),
      "validation_error",
      "params.days",
    ],
    [
      "a trial extension of 91 days",
      (b) => ({ ...b, kind: "trial_extension", params: { days: 91 } }),
      "validation_error",
      "params.days",
    ],
    [
      "a contact link without url",
      (b) => ({ ...b, kind: "contact_link", params: {} }),
      "validation_error",
      "params.url",
    ],
    [
      "a contact link to javascript:",
      (b) => ({ ...b, kind: "contact_link", params: { url: "javascript:alert(1)" } }),
      "validation_error",
      "params.url",
    ],
    [
      "a contact link that is no URL",
      (b) => ({ ...b, kind: "contact_link", params: { url: "talk to us" } }),
      "validation_error",
      "params.url",
    ],
  ];

  for (const [name, change, code, field] of cases) {
    it(`${name}: ${code} on ${field}, nothing stored`, async () => {
      const response = await owner.request("POST", `${base}/offers`, change(percentOff()));
      expect(response.statusCode, response.body).toBe(code === "unknown_reason" ? 422 : 400);
      expect(response.json().error).toMatchObject({ code, field });
      expect((await owner.request("GET", `${base}/offers`)).json().offers).toEqual([]);
    });
  }

  it("on replace too, leaving the stored offer as it was", async () => {
    const offer = await create();
    const response = await owner.request("PUT", `${base}/offers/${offer.id}`, {
      ...percentOff(),
      params: { percent_off: 10, duration_in_months: 40 },
    });
    expect(response.json().error).toMatchObject({ field: "params.duration_in_months" });
    expect((await owner.request("GET", `${base}/offers`)).json().offers).toEqual([offer]);
    await owner.request("DELETE", `${base}/offers/${offer.id}`);
  });

  it("refuses an archived reason", async () => {
    const archived = (await owner.request("POST", `${base}/reasons`, { text: "Gone soon" })).json()
      .reason.id;
    await owner.request("PATCH", `${base}/reasons/${archived}`, { archived: true });
    const response = await owner.request("POST", `${base}/offers`, {
      ...percentOff(),
      reason_ids: [archived],
    });
    expect(response.json().error).toMatchObject({ code: "unknown_reason", field: "reason_ids" });
  });
});

describe("offer settings", () => {
  const settings = () => member.request("GET", `${base}/offer-settings`);

  it("start at a 12-month window, no holdout and a 30-day save window", async () => {
    expect((await settings()).json()).toEqual({
      settings: { window_months: 12, holdout_percent: 0, save_days: 30 },
    });
  });

  it("are changed by owners only, within bounds, each field on its own", async () => {
    const refused = await member.request("PATCH", `${base}/offer-settings`, { window_months: 6 });
    expect(refused.statusCode).toBe(403);
    for (const [body, field] of [
      [{ window_months: 0 }, "window_months"],
      [{ window_months: 121 }, "window_months"],
      [{ window_months: 1.5 }, "window_months"],
      [{ holdout_percent: -1 }, "holdout_percent"],
      [{ holdout_percent: 51 }, "holdout_percent"],
      [{ save_days: 0 }, "save_days"],
      [{ save_days: 181 }, "save_days"],
    ] as const) {
      const response = await owner.request("PATCH", `${base}/offer-settings`, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: "validation_error", field });
    }
    expect((await settings()).json().settings).toEqual({
      window_months: 12,
      holdout_percent: 0,
      save_days: 30,
    });

    const holdout = await owner.request("PATCH", `${base}/offer-settings`, { holdout_percent: 10 });
    expect(holdout.json()).toEqual({
      settings: { window_months: 12, holdout_percent: 10, save_days: 30 },
    });
    const window = await owner.request("PATCH", `${base}/offer-settings`, { window_months: 6 });
    expect(window.json()).toEqual({
      settings: { window_months: 6, holdout_percent: 10, save_days: 30 },
    });
    const saveDays = await owner.request("PATCH", `${base}/offer-settings`, { save_days: 45 });
    expect(saveDays.json()).toEqual({
      settings: { window_months: 6, holdout_percent: 10, save_days: 45 },
    });
    // What the widget's rules and the save checks read.
    const account = await server.app.repos.accounts.find(server.accountId);
    expect(account).toMatchObject({
      offer_window_months: 6,
      offer_holdout_percent: 10,
      offer_save_days: 45,
    });
  });
});

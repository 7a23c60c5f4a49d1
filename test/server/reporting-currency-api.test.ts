import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeEvent } from "../helpers/api.js";
import { type Client, ownerAndMember } from "../helpers/auth.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let owner: Client;
let member: Client;
let base: string;

const today = new Date().toISOString().slice(0, 10);
const range = `from=${today.slice(0, 8)}01&to=${today}`;

beforeAll(async () => {
  server = await startTestServer({ listen: false });
  base = `/api/accounts/${server.accountId}`;
  ({ owner, member } = await ownerAndMember(server));
  const reason = await server.database.db
    .selectFrom("reasons")
    .select("id")
    .where("account_id", "=", server.accountId)
    .executeTakeFirstOrThrow();
  // Answers with their MRR, as a site without a synced provider sends them: ¥3,000 and €20.00.
  for (const [customer, amount, currency] of [
    ["cus_jp", 3000, "jpy"],
    ["cus_eu", 2000, "eur"],
  ] as const) {
    await storeEvent(server.database.db, {
      account_id: server.accountId,
      customer_oid: customer,
      reason_id: reason.id,
      mrr_amount: amount,
      mrr_currency: currency,
    });
  }
});
afterAll(() => server?.close());

const insights = async () => (await owner.request("GET", `${base}/insights?${range}`)).json();

describe("the reporting currency", () => {
  it("is unset at first: insights carry no converted total", async () => {
    expect((await member.request("GET", `${base}/reporting-currency`)).json()).toEqual({
      reporting_currency: null,
      rates: [],
    });
    const reply = await insights();
    expect(reply.current.lost_mrr).toHaveLength(2);
    expect(reply.current.lost_mrr_converted).toBeNull();
  });

  it("is set by owners only, to an ISO 4217 code, kept lower case", async () => {
    const refused = await member.request("PUT", `${base}/reporting-currency`, {
      reporting_currency: "usd",
    });
    expect(refused.statusCode).toBe(403);
    for (const bad of ["abc", "us", "€€€", 5]) {
      const response = await owner.request("PUT", `${base}/reporting-currency`, {
        reporting_currency: bad,
      });
      expect(response.statusCode, String(bad)).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "validation_error",
        field: "reporting_currency",
      });
    }
    const set = await owner.request("PUT", `${base}/reporting-currency`, {
      reporting_currency: "USD",
    });
    expect(set.statusCode).toBe(200);
    expect(set.json().reporting_currency).toBe("usd");
  });

  it("says which currencies lack a rate rather than guess a total", async () => {
    const reply = await insights();
    expect(reply.current.lost_mrr_converted).toEqual({
      currency: "usd",
      amount: null,
      missing_rates: ["eur", "jpy"],
    });
    expect(
      reply.reasons.find((r: { answers: number }) => r.answers > 0).lost_mrr_converted,
    ).toEqual(reply.current.lost_mrr_converted);
  });

  it("refuses bad rates naming the field, and stores nothing of such a request", async () => {
    const cases = [
      [{ rates: [{ currency: "eur", rate: 0 }] }, "rates[0].rate"],
      [
        {
          rates: [
            { currency: "eur", rate: 1.1 },
            { currency: "jpy", rate: -1 },
          ],
        },
        "rates[1].rate",
      ],
      [{ rates: [{ currency: "xyz", rate: 1 }] }, "rates[0].currency"],
    ] as const;
    for (const [body, field] of cases) {
      const response = await owner.request("POST", `${base}/exchange-rates`, body);
      expect(response.statusCode, field).toBe(400);
      expect(response.json().error).toMatchObject({ code: "validation_error", field });
    }
    const empty = await owner.request("POST", `${base}/exchange-rates`, { rates: [] });
    expect(empty.statusCode).toBe(400);
    expect((await owner.request("GET", `${base}/reporting-currency`)).json().rates).toEqual([]);
    const byMember = await member.request("POST", `${base}/exchange-rates`, {
      rates: [{ currency: "eur", rate: 1.1 }],
    });
    expect(byMember.statusCode).toBe(403);
  });

  it("converts once every currency has a rate, in each one's minor units", async () => {
    const response = await owner.request("POST", `${base}/exchange-rates`, {
      rates: [
        { currency: "EUR", rate: 1.1 },
        { currency: "jpy", rate: 0.0065 },
      ],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().rates.map((r: { currency: string }) => r.currency)).toEqual([
      "eur",
      "jpy",
    ]);
    // €20.00 × 1.1 + ¥3,000 × 0.0065 = $22.00 + $19.50.
    expect((await insights()).current.lost_mrr_converted).toEqual({
      currency: "usd",
      amount: 4150,
      missing_rates: [],
    });
  });

  it("updates a rate in place, and deletes one (404 for one not there)", async () => {
    await owner.request("POST", `${base}/exchange-rates`, {
      rates: [{ currency: "eur", rate: 1.2 }],
    });
    expect((await insights()).current.lost_mrr_converted.amount).toBe(2400 + 1950);
    const deleted = await owner.request("DELETE", `${base}/exchange-rates/EUR`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().rates.map((r: { currency: string }) => r.currency)).toEqual(["jpy"]);
    const again = await owner.request("DELETE", `${base}/exchange-rates/eur`);
    expect(again.statusCode).toBe(404);
    const bad = await owner.request("DELETE", `${base}/exchange-rates/nope`);
    expect(bad.json().error).toMatchObject({ code: "validation_error", field: "currency" });
    expect((await insights()).current.lost_mrr_converted.missing_rates).toEqual(["eur"]);
  });

  it("is unset again with null", async () => {
    const response = await owner.request("PUT", `${base}/reporting-currency`, {
      reporting_currency: null,
    });
    expect(response.json().reporting_currency).toBeNull();
    expect((await insights()).current.lost_mrr_converted).toBeNull();
  });
});

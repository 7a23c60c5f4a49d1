import { describe, expect, it } from "vitest";
import type { ReportingCurrencySetting } from "../../src/db/repositories/reporting-currency.js";
import {
  convertTotal,
  isIsoCurrency,
  minorUnitDigits,
} from "../../src/presenters/reporting-currency.js";

const at = new Date("2026-12-01T00:00:00Z");
function setting(
  currency: string | null,
  rates: Record<string, number> = {},
): ReportingCurrencySetting {
  return {
    currency,
    rates: Object.entries(rates).map(([c, rate]) => ({ currency: c, rate, updatedAt: at })),
  };
}

describe("minor units per currency, as billing amounts carry them", () => {
  it.each([
    ["usd", 2],
    ["EUR", 2],
    ["jpy", 0],
    ["krw", 0],
    ["clp", 0],
    ["kwd", 3],
    ["bhd", 3],
    ["tnd", 3],
    // Stripe's special cases: two decimals in amounts, whatever ISO 4217 says of ISK.
    ["isk", 2],
    ["huf", 2],
  ])("%s: %i", (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });
});

describe("converting a total to the reporting currency", () => {
  it.each([
    // [totals, reporting currency, rates, expected amount in its minor units]
    ["one currency, the reporting one", [["usd", 12_345]], "usd", {}, 12_345],
    ["cents to cents", [["eur", 10_000]], "usd", { eur: 1.08 }, 10_800],
    ["zero-decimal in: ¥15,000", [["jpy", 15_000]], "usd", { jpy: 0.0067 }, 10_050],
    ["zero-decimal out", [["usd", 10_000]], "jpy", { usd: 150.25 }, 15_025],
    ["three-decimal in: 10.000 KWD", [["kwd", 10_000]], "usd", { kwd: 3.25 }, 3_250],
    ["three-decimal out", [["usd", 1_000]], "kwd", { usd: 0.3077 }, 3_077],
    [
      "ISK as Stripe writes it: 5,000 kr is 500000",
      [["isk", 500_000]],
      "eur",
      { isk: 0.0066 },
      3_300,
    ],
    ["HUF in two decimals", [["huf", 1_000_000]], "eur", { huf: 0.0025 }, 2_500],
    [
      "several, rounded once",
      [
        ["usd", 1],
        ["eur", 1],
        ["gbp", 1],
      ],
      "usd",
      { eur: 1.4, gbp: 1.4 },
      4,
    ],
  ] as const)("%s", (_name, totals, currency, rates, expected) => {
    const money = totals.map(([c, amount]) => ({ currency: c, amount }));
    expect(convertTotal(money, setting(currency, rates))).toEqual({
      currency,
      amount: expected,
      missing_rates: [],
    });
  });

  it("names the currencies without a rate and gives no amount, rather than a partial sum", () => {
    const totals = [
      { currency: "usd", amount: 100 },
      { currency: "jpy", amount: 100 },
      { currency: "eur", amount: 100 },
      { currency: "chf", amount: 100 },
    ];
    expect(convertTotal(totals, setting("usd", { eur: 1.1 }))).toEqual({
      currency: "usd",
      amount: null,
      missing_rates: ["chf", "jpy"],
    });
  });

  it("is null without a reporting currency, and zero for no losses", () => {
    expect(convertTotal([{ currency: "usd", amount: 5 }], setting(null, { usd: 1 }))).toBeNull();
    expect(convertTotal([], setting("eur"))).toEqual({
      currency: "eur",
      amount: 0,
      missing_rates: [],
    });
  });
});

describe("ISO 4217 codes", () => {
  it("takes codes in use in any case, and nothing else", () => {
    for (const code of ["usd", "EUR", "Jpy", "kwd", "isk"])
      expect(isIsoCurrency(code), code).toBe(true);
    for (const code of ["", "us", "usdd", "abc", "xx1", "€"])
      expect(isIsoCurrency(code), code).toBe(false);
  });
});

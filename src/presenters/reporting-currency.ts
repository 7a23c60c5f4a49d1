import type { Static } from "typebox";
import type { ConvertedMoney } from "../contract/reporting-currency.js";
import type { Money } from "../db/queries/money.js";
import type { ReportingCurrencySetting } from "../db/repositories/reporting-currency.js";

/**
 * Digits of a currency's minor unit as billing amounts carry them (Stripe's rules, which the
 * REST API's MRR follows too): none for these, per Stripe's zero-decimal list...
 */
const ZERO_DECIMAL = new Set([
  "bif",
  "clp",
  "djf",
  "gnf",
  "jpy",
  "kmf",
  "krw",
  "mga",
  "pyg",
  "rwf",
  "ugx",
  "vnd",
  "vuv",
  "xaf",
  "xof",
  "xpf",
]);
/** ...three for these... */
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/**
 * ...and two for every other one, ISK and HUF included: Stripe writes ISK (zero-decimal in
 * ISO 4217) with two decimals that are always 00, and HUF amounts in its API with two.
 */
export function minorUnitDigits(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

const ISO_4217 = new Set(Intl.supportedValuesOf("currency").map((c) => c.toLowerCase()));

/** A currency code of ISO 4217 in use (any case): `usd`, `EUR`, `kwd`. */
export function isIsoCurrency(code: string): boolean {
  return /^[A-Za-z]{3}$/.test(code) && ISO_4217.has(code.toLowerCase());
}

/**
 * Per-currency totals as one total in the account's reporting currency, from the owner's
 * rates only: null when no reporting currency is set; an amount of null, naming the
 * currencies without a rate, when any is missing (a partial sum would read as the whole).
 * Every conversion in the product goes through here. The sum is rounded once, to the
 * reporting currency's minor unit.
 */
export function convertTotal(
  totals: readonly Money[],
  setting: ReportingCurrencySetting,
): Static<typeof ConvertedMoney> | null {
  const target = setting.currency;
  if (target === null) return null;
  const rates = new Map(setting.rates.map((r) => [r.currency, r.rate]));
  rates.set(target, 1);
  const missing = new Set<string>();
  let major = 0;
  for (const { currency, amount } of totals) {
    const rate = rates.get(currency);
    if (rate === undefined) missing.add(currency);
    else major += (amount / 10 ** minorUnitDigits(currency)) * rate;
  }
  if (missing.size > 0)
    return { currency: target, amount: null, missing_rates: [...missing].sort() };
  return {
    currency: target,
    amount: Math.round(major * 10 ** minorUnitDigits(target)),
    missing_rates: [],
  };
}

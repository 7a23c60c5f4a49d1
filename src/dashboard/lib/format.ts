import type { Money } from "../api/types.js";

/** The browser's language, if Intl knows it ("en-US@posix" from some systems it does not). */
function browserLocale(): string {
  const wanted =
    typeof navigator === "undefined" ? [] : [...(navigator.languages ?? []), navigator.language];
  for (const tag of wanted) {
    try {
      if (tag && Intl.NumberFormat.supportedLocalesOf(tag).length) return tag;
    } catch {
      // An invalid tag: try the next one.
    }
  }
  return "en-US";
}

export const LOCALE = browserLocale();
const locale = LOCALE;

const integer = new Intl.NumberFormat(locale);
const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatPercent(value: number | null): string {
  return value === null ? "–" : percent.format(value);
}

const currencyFormats = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string): Intl.NumberFormat {
  const code = currency.toUpperCase();
  let format = currencyFormats.get(code);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: "currency", currency: code });
    } catch {
      format = new Intl.NumberFormat(locale, { minimumFractionDigits: 2 });
    }
    currencyFormats.set(code, format);
  }
  return format;
}

/** Digits of the currency's minor unit: yen have none, dinars three. */
function minorDigits(currency: string): number {
  return currencyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units (cents) to the currency's major unit. */
export function majorUnits(money: Money): number {
  return money.amount / 10 ** minorDigits(money.currency);
}

/** An amount typed in the currency's major unit ("4.99") to minor units (499). */
export function minorUnits(major: number, currency: string): number {
  return Math.round(major * 10 ** minorDigits(currency));
}

export function formatMoney(money: Money, options: { compact?: boolean } = {}): string {
  if (options.compact) {
    const code = money.currency.toUpperCase();
    try {
      return new Intl.NumberFormat(locale, {
        style: "currency",
        currency: code,
        notation: "compact",
        maximumFractionDigits: 1,
      }).format(majorUnits(money));
    } catch {
      // An unknown currency code: fall through to the plain format.
    }
  }
  return currencyFormat(money.currency).format(majorUnits(money));
}

/** Amounts in several currencies, largest first: "$1,200.00 + €80.00". */
export function formatMoneyList(list: Money[]): string {
  if (list.length === 0) return formatMoney({ amount: 0, currency: "usd" });
  return list.map((m) => formatMoney(m)).join(" + ");
}

const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });

/** A `YYYY-MM-DD` day (UTC). */
export function formatDay(day: string): string {
  return dateFormat.format(new Date(`${day}T00:00:00Z`));
}

export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

export function formatRange(from: string, to: string): string {
  return from === to ? formatDay(from) : `${formatDay(from)} – ${formatDay(to)}`;
}

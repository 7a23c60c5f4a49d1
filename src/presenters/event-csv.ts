import type { ApiEvent } from "../contract/event.js";

/** The columns of an events CSV (CLI export and the dashboard's download). */
export const CSV_COLUMNS = [
  "id",
  "created_at",
  "kind",
  "source",
  "reason_id",
  "reason",
  "comment",
  "customer_oid",
  "subscription_oids",
  "test_mode",
  "install_check",
  "locale",
  "plan",
  "mrr_amount",
  "mrr_currency",
] as const;

/**
 * Spreadsheets run cells starting with = + - @ as formulas, also after a tab, CR or line
 * feed, and some (Excel in East Asian locales) read the full-width forms ＝ ＋ － ＠ as them
 * too: a customer's comment must never become one, so such cells get a leading apostrophe.
 */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? `'${text}` : text;
}

export function csvRow(event: ApiEvent): string[] {
  const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    ...event,
    subscription_oids: event.subscription_oids.join(" "),
    mrr_amount: event.mrr?.amount,
    mrr_currency: event.mrr?.currency,
  };
  return CSV_COLUMNS.map((column) => csvCell(flat[column]));
}

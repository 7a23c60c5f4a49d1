import type { DB } from "../schema.js";

/**
 * A column whose values are sealed at rest. Each value is bound to its place: the table, the
 * column and the row's key (authenticated with it), so a value copied into another row or
 * column does not open.
 */
export interface SealedColumn<Key extends string = string> {
  readonly table: string;
  readonly column: string;
  /** The columns that name the row. */
  readonly rowKey: readonly Key[];
}

/** The row's key columns, as a sealed column binds a value to them. */
export type RowKeyOf<C extends SealedColumn> = Readonly<Record<C["rowKey"][number], string>>;

function sealed<
  T extends keyof DB & string,
  C extends keyof DB[T] & string,
  K extends keyof DB[T] & string,
>(table: T, column: C, rowKey: readonly K[]): SealedColumn<K> {
  return Object.freeze({ table, column, rowKey: Object.freeze([...rowKey]) });
}

export const CUSTOMER_HASH_SECRET = sealed("accounts", "customer_hash_secret", ["id"]);
export const WEBHOOK_SECRET = sealed("webhook_endpoints", "secret", ["account_id", "id"]);
export const WEBHOOK_PREVIOUS_SECRET = sealed("webhook_endpoints", "previous_secret", [
  "account_id",
  "id",
]);
export const BILLING_API_KEY = sealed("billing_connections", "api_key", ["account_id", "id"]);
export const BILLING_WEBHOOK_SECRET = sealed("billing_connections", "webhook_secret", [
  "account_id",
  "id",
]);

/**
 * Every sealed column. Start seals what they hold in plaintext from before, `secrets status`
 * counts their values by key, `secrets rotate` re-seals them: a new secret column is added
 * here, and its repository seals and opens it with `sealIn` and `openFrom` (store.ts).
 */
export const SEALED_COLUMNS: readonly SealedColumn[] = Object.freeze([
  CUSTOMER_HASH_SECRET,
  WEBHOOK_SECRET,
  WEBHOOK_PREVIOUS_SECRET,
  BILLING_API_KEY,
  BILLING_WEBHOOK_SECRET,
]);

/** `accounts.customer_hash_secret`, as messages and `secrets status` name a column. */
export function columnName(column: SealedColumn): string {
  return `${column.table}.${column.column}`;
}

/** Where a value lives, as its seal authenticates it: `accounts.customer_hash_secret ["acc_1"]`. */
export function contextOf<C extends SealedColumn>(column: C, row: RowKeyOf<C>): string {
  const key = column.rowKey.map((name) => String((row as Record<string, string>)[name]));
  return `${columnName(column)} ${JSON.stringify(key)}`;
}

import { contextOf, type RowKeyOf, type SealedColumn } from "./columns.js";
import type { Keyring } from "./keyring.js";
import { isSealed } from "./sealed-value.js";

/** `plaintext`, sealed for `column` of the row `row` names. */
export function sealIn<C extends SealedColumn>(
  keyring: Keyring,
  column: C,
  row: RowKeyOf<C>,
  plaintext: string,
): string {
  return keyring.seal(plaintext, contextOf(column, row));
}

/**
 * The plaintext of a value stored in `column` of `row`. A value not sealed (yet) is taken as
 * it is: one written before sealing, or by an older process during an upgrade, until the
 * next start seals it; a sealed value that cannot be opened is an error.
 */
export function openFrom<C extends SealedColumn>(
  keyring: Keyring,
  column: C,
  row: RowKeyOf<C>,
  stored: string,
): string {
  return isSealed(stored) ? keyring.open(stored, contextOf(column, row)) : stored;
}

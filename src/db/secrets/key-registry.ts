import { sql } from "kysely";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { inTransaction } from "../transaction.js";
import type { Keyring } from "./keyring.js";
import { countSealedValues, keyIdsInUse } from "./sealed-counts.js";

/** Ids of the keys the database's secrets may be sealed with (migration 0013), oldest first. */
export async function recordedKeyIds(db: Database): Promise<string[]> {
  const rows = await db
    .selectFrom("secrets_keys")
    .select("id")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

/** Holds the table until the transaction ends: processes starting at once agree on a key. */
async function lockRegistry(db: Database): Promise<void> {
  await sql`lock table secrets_keys in share row exclusive mode`.execute(db);
}

/**
 * Inside the caller's transaction: refuses a keyring that lacks a key the database's secrets
 * may be sealed with, then records the keyring's sealing key, which seals from now on.
 * `source` names where the keyring came from (SECRETS_KEY or the key file) in the refusal.
 */
export async function adoptKeyring(trx: Database, keyring: Keyring, source: string): Promise<void> {
  await lockRegistry(trx);
  const missing = (await recordedKeyIds(trx)).filter((id) => !keyring.keyIds.includes(id));
  if (missing.length > 0) {
    throw new DomainError(
      "secrets_key_missing",
      `The database's secrets are encrypted with key ${missing.join(" and ")}, which ${source} ` +
        `does not hold (it holds ${keyring.keyIds.join(", ")}). Give the key they were ` +
        "encrypted with (while rotating, the new key first and the old one after it); nothing " +
        "was changed.",
    );
  }
  await trx
    .insertInto("secrets_keys")
    .values({ id: keyring.sealingKeyId })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

/**
 * Forgets the keys that seal nothing any more (the sealing key stays), once a rotation has
 * re-sealed their values; returns the ids still needed, the sealing key's first.
 */
export async function forgetUnusedKeys(db: Database, keyring: Keyring): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    await lockRegistry(trx);
    const inUse = keyIdsInUse(await countSealedValues(trx));
    const needed = [keyring.sealingKeyId, ...inUse.filter((id) => id !== keyring.sealingKeyId)];
    await trx.deleteFrom("secrets_keys").where("id", "not in", needed).execute();
    return needed;
  });
}

import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { inTransaction } from "../transaction.js";
import { createKeyFile, keyFilePath, readKeyFile } from "./key-file.js";
import { adoptKeyring, recordedKeyIds } from "./key-registry.js";
import { createKeyring, type Keyring } from "./keyring.js";
import { sealPlaintext } from "./reseal.js";

/** Where a process's keys come from. */
export interface KeySource {
  /** The keyring of SECRETS_KEY; null leaves it to the key file in `dataDir`. */
  keyring: Keyring | null;
  dataDir: string;
}

export interface LoadedKeyring {
  keyring: Keyring;
  /** `SECRETS_KEY`, or the key file's path: where an operator finds the key. */
  source: string;
  /** Whether the key file was made just now. */
  created: boolean;
}

/** The keyring of SECRETS_KEY or of the key file, or null when there is neither. */
export async function findKeyring(source: KeySource): Promise<LoadedKeyring | null> {
  if (source.keyring) return { keyring: source.keyring, source: "SECRETS_KEY", created: false };
  const keys = await readKeyFile(source.dataDir);
  return keys
    ? { keyring: createKeyring(keys), source: keyFilePath(source.dataDir), created: false }
    : null;
}

/**
 * The keyring, as `findKeyring` finds it; with neither SECRETS_KEY nor a key file, a new key
 * file, unless the database already holds secrets sealed with some key: then a new key would
 * open nothing, and the missing key is the error.
 */
async function loadKeyring(db: Database, source: KeySource): Promise<LoadedKeyring> {
  const found = await findKeyring(source);
  if (found) return found;
  const file = keyFilePath(source.dataDir);
  const recorded = await recordedKeyIds(db);
  if (recorded.length > 0) {
    throw new DomainError(
      "secrets_key_missing",
      `The database's secrets are encrypted with key ${recorded.join(" and ")}, but SECRETS_KEY ` +
        `is not set and ${file} does not exist: set SECRETS_KEY, or restore the key file ` +
        "from your backup.",
    );
  }
  const made = await createKeyFile(source.dataDir);
  return { keyring: createKeyring(made.keys), source: file, created: made.created };
}

export interface PreparedSecrets extends LoadedKeyring {
  /** Plaintext secrets from before sealing, sealed just now. */
  sealedNow: number;
}

/**
 * What every process does before it reads or writes secrets: load its keyring, check it
 * against the database (a keyring without the database's key is refused, and nothing
 * changes), record the key that seals from now on, and seal the plaintext secrets left from
 * before, all in one transaction.
 */
export async function prepareSecrets(db: Database, source: KeySource): Promise<PreparedSecrets> {
  const loaded = await loadKeyring(db, source);
  const sealedNow = await inTransaction(db, async (trx) => {
    await adoptKeyring(trx, loaded.keyring, loaded.source);
    return sealPlaintext(trx, loaded.keyring);
  });
  return { ...loaded, sealedNow };
}

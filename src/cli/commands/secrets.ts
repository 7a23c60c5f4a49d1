import type { Config } from "../../config.js";
import type { Database } from "../../db/database.js";
import { encodeKey, keyFilePath, readKeyFile, replaceKeyFile } from "../../db/secrets/key-file.js";
import { adoptKeyring, forgetUnusedKeys, recordedKeyIds } from "../../db/secrets/key-registry.js";
import { createKeyring, newKey } from "../../db/secrets/keyring.js";
import { findKeyring } from "../../db/secrets/prepare.js";
import { resealUnderSealingKey } from "../../db/secrets/reseal.js";
import { countSealedValues, keyIdsInUse } from "../../db/secrets/sealed-counts.js";
import { inTransaction } from "../../db/transaction.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand, withDatabase } from "../options.js";
import { keySourceOf, prepareConfiguredSecrets, shownPath, shownSource } from "../secrets-key.js";

/** Which keys there are, which the database needs, and how many secrets each encrypts. */
async function status(config: Config, db: Database, json: boolean): Promise<void> {
  // Never makes a key file, and never refuses: it is how a refusal is looked into.
  const found = await findKeyring(keySourceOf(config));
  const recorded = await recordedKeyIds(db);
  const columns = await countSealedValues(db);
  const held = found?.keyring.keyIds ?? [];
  const needed = [...new Set([...recorded, ...keyIdsInUse(columns)])].sort();
  const missing = needed.filter((id) => !held.includes(id));
  if (json) {
    console.log(
      JSON.stringify({
        keyring: found
          ? {
              source: found.source,
              key_ids: found.keyring.keyIds,
              sealing_key_id: found.keyring.sealingKeyId,
            }
          : null,
        recorded_key_ids: recorded,
        columns,
        missing_key_ids: missing,
      }),
    );
    return;
  }
  console.log(
    found
      ? `Keyring:   ${shownSource(found.source)}: ${held.map((id, i) => (i === 0 ? `${id} (encrypts)` : id)).join(", ")}`
      : `Keyring:   none (SECRETS_KEY is not set, ${shownPath(keyFilePath(config.dataDir))} does not exist)`,
  );
  console.log(`Database:  keys ${recorded.length ? recorded.join(", ") : "none yet"}`);
  for (const { column, sealed, plaintext } of columns) {
    const counts = Object.entries(sealed).map(([id, count]) => `${id}: ${count}`);
    console.log(`  ${column.padEnd(34)} ${[...counts, `plaintext: ${plaintext}`].join("   ")}`);
  }
  if (missing.length > 0) {
    console.log(`Missing:   key ${missing.join(", ")}: servers and commands refuse to start.`);
  }
}

/**
 * Re-seals every secret with the keyring's first key and forgets the keys that seal nothing
 * then. With the key file (no SECRETS_KEY), a new key is put first in the file beforehand,
 * and the file keeps only it afterwards.
 */
async function rotate(config: Config, db: Database): Promise<void> {
  const prepared = await prepareConfiguredSecrets(config, db);
  let keyring = prepared.keyring;
  // The new key, when the key file holds the keys.
  let fileKey: Buffer | null = null;
  if (config.secretsKey === null) {
    fileKey = newKey();
    const keys = [fileKey, ...((await readKeyFile(config.dataDir)) ?? [])];
    await replaceKeyFile(config.dataDir, keys);
    keyring = createKeyring(keys);
    await inTransaction(db, (trx) => adoptKeyring(trx, keyring, prepared.source));
    console.log(`New key ${keyring.sealingKeyId} put first in ${shownPath(prepared.source)}.`);
  }
  const resealed = await resealUnderSealingKey(db, keyring);
  const needed = await forgetUnusedKeys(db, keyring);
  console.log(`Re-encrypted ${resealed} secrets with key ${keyring.sealingKeyId}.`);
  const others = needed.slice(1);
  if (others.length > 0) {
    // A process that still seals with an old key wrote after the re-sealing passed by.
    console.error(
      `cancel-insights: secrets encrypted with key ${others.join(", ")} remain: restart every ` +
        `server and worker with key ${keyring.sealingKeyId} first, then run rotate again.`,
    );
    process.exitCode = 1;
    return;
  }
  if (fileKey) {
    await replaceKeyFile(config.dataDir, [fileKey]);
    console.log(
      `Every secret is encrypted with key ${keyring.sealingKeyId}; ${shownPath(prepared.source)} ` +
        "holds only it now: back it up again, and restart the server.",
    );
  } else if (keyring.keyIds.length > 1) {
    console.log(
      `Every secret is encrypted with key ${keyring.sealingKeyId}: drop the other keys from ` +
        "SECRETS_KEY and restart the servers and workers.",
    );
  } else {
    console.log(
      `Every secret is encrypted with key ${keyring.sealingKeyId}. To change the key, put a new ` +
        'one (cancel-insights secrets new-key) first in SECRETS_KEY, this one after it ("NEW,OLD"), ' +
        "restart the servers and workers, then run rotate again.",
    );
  }
}

/** `secrets status [--json]`, `secrets rotate`, `secrets new-key`. */
export async function secretsCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  const { values } = parseCommand(rest, { json: { type: "boolean" } });
  if (action === "new-key") {
    console.log(encodeKey(newKey()));
    return;
  }
  if (action !== "status" && action !== "rotate") {
    throw new CliError(
      `Unknown secrets action "${action ?? ""}". Try: secrets status, secrets rotate, secrets new-key.`,
    );
  }
  if (action === "rotate" && values.json) throw new CliError("--json is for secrets status.");
  const config = configFrom(values);
  await withDatabase(config, ({ db }) =>
    action === "status" ? status(config, db, values.json === true) : rotate(config, db),
  );
}

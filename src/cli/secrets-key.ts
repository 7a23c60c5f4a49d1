import path from "node:path";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { type KeySource, type PreparedSecrets, prepareSecrets } from "../db/secrets/prepare.js";

/** Where this process's keys come from, as configured. */
export function keySourceOf(config: Config): KeySource {
  return { keyring: config.secretsKey, dataDir: config.dataDir };
}

/** The keyring, checked against the database, its plaintext secrets sealed (prepareSecrets). */
export function prepareConfiguredSecrets(config: Config, db: Database): Promise<PreparedSecrets> {
  return prepareSecrets(db, keySourceOf(config));
}

/** A path as the operator typed it: relative to here when below here. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : `./${relative}`;
}

/** Where keys came from, as an operator would look for them: SECRETS_KEY or the key file. */
export function shownSource(source: string): string {
  return source === "SECRETS_KEY" ? source : shownPath(source);
}

/**
 * What `start` and `worker` tell of the secrets key: where it is and which key encrypts
 * (`key`), and the advice a key file calls for (`notes`). Key ids only, never a key.
 */
export function secretsNotice(
  prepared: PreparedSecrets,
  config: Config,
): { key: string; notes: string[] } {
  const fromFile = prepared.source !== "SECRETS_KEY";
  const made = prepared.created ? ", made just now" : "";
  const notes: string[] = [];
  if (fromFile) {
    notes.push(
      "Back this file up apart from the data: without it the stored secrets cannot be read.",
      config.databaseUrl
        ? "With PostgreSQL set SECRETS_KEY instead, the same on every server and worker."
        : "In production set SECRETS_KEY instead.",
    );
  }
  if (prepared.sealedNow > 0) {
    notes.push(`Encrypted ${prepared.sealedNow} secrets stored in plaintext before.`);
  }
  return {
    key: `${shownSource(prepared.source)} (key ${prepared.keyring.sealingKeyId} encrypts${made})`,
    notes,
  };
}

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

/**
 * What `start` and `worker` tell of the secrets key: where it is, which key seals, and the
 * advice a key file calls for. Key ids only, never a key.
 */
export function secretsNotice(prepared: PreparedSecrets, config: Config): string[] {
  const fromFile = prepared.source !== "SECRETS_KEY";
  const where = fromFile ? shownPath(prepared.source) : "SECRETS_KEY";
  const lines = [
    `Secrets key:      ${where} (key ${prepared.keyring.sealingKeyId} seals${prepared.created ? ", made just now" : ""})`,
  ];
  if (fromFile) {
    lines.push(
      "                  Back this file up apart from the data: without it the webhook",
      "                  signing secrets cannot be read. In production set SECRETS_KEY.",
    );
    if (config.databaseUrl) {
      lines.push(
        "                  With PostgreSQL every server and worker needs the same key:",
        "                  set SECRETS_KEY to this file's key on each of them.",
      );
    }
  }
  if (prepared.sealedNow > 0) {
    lines.push(
      `                  Sealed ${prepared.sealedNow} secrets stored in plaintext before.`,
    );
  }
  return lines;
}

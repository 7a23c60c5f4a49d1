import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { DomainError } from "../domain-error.js";
import { KEY_BYTES, newKey } from "./keyring.js";

/** Where a data directory keeps its keys when SECRETS_KEY is not set. */
export const KEY_FILE_NAME = "secrets.key";

export function keyFilePath(dataDir: string): string {
  return path.join(dataDir, KEY_FILE_NAME);
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
/** 32 bytes of base64 or base64url, padded or not. */
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** A key as SECRETS_KEY and the key file write it. */
export function encodeKey(key: Buffer): string {
  return key.toString("base64");
}

/**
 * The keys of SECRETS_KEY or a key file: base64 or hex of 32 bytes each, separated by commas
 * or line breaks, the sealing key first. `source` names the text in errors, never its value.
 */
export function parseKeys(text: string, source: string): Buffer[] {
  const entries = text
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    throw new DomainError("invalid_secrets_key", `${source} holds no key.`);
  }
  return entries.map((entry, index) => {
    if (HEX_KEY.test(entry)) return Buffer.from(entry, "hex");
    if (BASE64_KEY.test(entry)) {
      const key = Buffer.from(entry.replace(/=$/, ""), "base64url");
      if (key.length === KEY_BYTES) return key;
    }
    throw new DomainError(
      "invalid_secrets_key",
      `${source}: key ${index + 1} is not ${KEY_BYTES} bytes in base64 or hex ` +
        '(make one with "cancel-insights secrets new-key").',
    );
  });
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

/** The keys of `dataDir`'s key file, or null when there is none. */
export async function readKeyFile(dataDir: string): Promise<Buffer[] | null> {
  const file = keyFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  return parseKeys(text, file);
}

/** Writes `keys` to a new file beside `file`, readable by this user only, flushed to disk. */
async function writeTemporary(file: string, keys: readonly Buffer[]): Promise<string> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
    0o600,
  );
  try {
    await handle.writeFile(`${keys.map(encodeKey).join("\n")}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temporary;
}

/** So that a rename or link survives a crash, the directory's entry is flushed too. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The key file of `dataDir`, made with one new key when absent. The complete file appears at
 * once (a hard link fails if the name exists): of two processes starting together, one makes
 * it, and the other reads that one's key rather than a half-written file or a key of its own.
 */
export async function createKeyFile(
  dataDir: string,
): Promise<{ keys: Buffer[]; created: boolean }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = keyFilePath(dataDir);
  const keys = [newKey()];
  const temporary = await writeTemporary(file, keys);
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const existing = await readKeyFile(dataDir);
    if (!existing) throw error;
    return { keys: existing, created: false };
  } finally {
    await unlink(temporary);
  }
  await syncDirectory(dataDir);
  return { keys, created: true };
}

/** Replaces the key file's keys at once (a rotation): never a moment without a whole file. */
export async function replaceKeyFile(dataDir: string, keys: readonly Buffer[]): Promise<void> {
  const file = keyFilePath(dataDir);
  const temporary = await writeTemporary(file, keys);
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary);
    throw error;
  }
  await syncDirectory(dataDir);
}

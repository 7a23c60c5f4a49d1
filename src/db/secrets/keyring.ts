import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { DomainError } from "../domain-error.js";
import { formatSealed, parseSealed, SEALED_PREFIX } from "./sealed-value.js";

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = "aes-256-gcm";

/**
 * Keys that seal and open secrets at rest, in order: the first seals, every one opens (so a
 * rotation can re-seal values of the older keys). It shows its keys' ids, never the keys.
 */
export interface Keyring {
  /** Ids of its keys, the sealing one first. */
  readonly keyIds: readonly string[];
  readonly sealingKeyId: string;
  /**
   * Seals `plaintext` with AES-256-GCM under the first key. `context` names where the value
   * lives (authenticated, not stored): the value opens only with the same context.
   */
  seal(plaintext: string, context: string): string;
  /** The plaintext of a sealed value, or an error when it cannot be (key, place, bytes). */
  open(sealed: string, context: string): string;
}

/** 32 random bytes: a new key. */
export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** A key's public name: the first 8 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/** The bytes GCM authenticates beside the ciphertext: the value's header and its place. */
function additionalData(keyId: string, context: string): Buffer {
  return Buffer.from(`${SEALED_PREFIX}${keyId}|${context}`, "utf8");
}

export function createKeyring(keys: readonly Buffer[]): Keyring {
  if (keys.length === 0) throw new DomainError("invalid_secrets_key", "A keyring needs a key.");
  const byId = new Map<string, Buffer>();
  for (const key of keys) {
    if (key.length !== KEY_BYTES) {
      throw new DomainError("invalid_secrets_key", `A key must be ${KEY_BYTES} bytes.`);
    }
    const id = keyIdOf(key);
    if (byId.has(id)) {
      throw new DomainError("invalid_secrets_key", `Key ${id} is listed twice.`);
    }
    // A copy: the caller's buffer may be reused or wiped.
    byId.set(id, Buffer.from(key));
  }
  const keyIds = Object.freeze([...byId.keys()]);
  const sealingKeyId = keyIds[0] as string;
  const sealingKey = byId.get(sealingKeyId) as Buffer;

  return Object.freeze({
    keyIds,
    sealingKeyId,
    seal(plaintext: string, context: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, sealingKey, iv);
      cipher.setAAD(additionalData(sealingKeyId, context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const payload = Buffer.concat([ciphertext, cipher.getAuthTag()]);
      return formatSealed({ keyId: sealingKeyId, iv, payload });
    },
    open(sealed: string, context: string): string {
      const parts = parseSealed(sealed);
      if (!parts || parts.iv.length !== IV_BYTES || parts.payload.length < TAG_BYTES) {
        throw new DomainError(
          "secret_unreadable",
          `The encrypted secret of ${context} is malformed.`,
        );
      }
      const key = byId.get(parts.keyId);
      if (!key) {
        throw new DomainError(
          "secrets_key_missing",
          `The secret of ${context} is encrypted with key ${parts.keyId}, which the keyring ` +
            `(${keyIds.join(", ")}) does not hold.`,
        );
      }
      const decipher = createDecipheriv(ALGORITHM, key, parts.iv);
      decipher.setAAD(additionalData(parts.keyId, context));
      decipher.setAuthTag(parts.payload.subarray(-TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(parts.payload.subarray(0, -TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch (error) {
        throw new DomainError(
          "secret_unreadable",
          `The encrypted secret of ${context} does not open: it was altered, or encrypted for ` +
            "another row or column.",
          { cause: error },
        );
      }
    },
  });
}

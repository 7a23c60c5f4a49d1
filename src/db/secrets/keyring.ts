import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
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
  /**
   * An HMAC-SHA256 of `message` under a key derived (HKDF) from the sealing key for
   * `purpose`, so a signature made for one use never passes for another and the sealing key
   * itself never signs. Returned as `<key id>.<base64url mac>`: it verifies after a rotation.
   */
  sign(message: string, purpose: string): string;
  /** Whether `signature` is `sign(message, purpose)` under any key of the keyring. */
  verify(message: string, signature: string, purpose: string): boolean;
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
  const derived = new Map<string, Buffer>();
  const macKey = (keyId: string, key: Buffer, purpose: string): Buffer => {
    const name = `${keyId}|${purpose}`;
    let found = derived.get(name);
    if (!found) {
      found = Buffer.from(hkdfSync("sha256", key, "", `cancel-insights mac|${purpose}`, KEY_BYTES));
      derived.set(name, found);
    }
    return found;
  };
  const mac = (keyId: string, key: Buffer, message: string, purpose: string): Buffer =>
    createHmac("sha256", macKey(keyId, key, purpose))
      .update(message, "utf8")
      .digest();

  return Object.freeze({
    keyIds,
    sealingKeyId,
    sign(message: string, purpose: string): string {
      const digest = mac(sealingKeyId, sealingKey, message, purpose);
      return `${sealingKeyId}.${digest.toString("base64url")}`;
    },
    verify(message: string, signature: string, purpose: string): boolean {
      const [keyId, encoded, extra] = signature.split(".");
      const key = keyId === undefined ? undefined : byId.get(keyId);
      if (!key || encoded === undefined || extra !== undefined) return false;
      const given = Buffer.from(encoded, "base64url");
      const expected = mac(keyId as string, key, message, purpose);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
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

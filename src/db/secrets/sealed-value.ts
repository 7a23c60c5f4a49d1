/**
 * A sealed value as stored: `enc:v1:<key id>:<iv>:<ciphertext and tag>` (base64url). The key
 * id says which key of a keyring opens it; anything without the prefix is a plaintext from
 * before sealing.
 */
export const SEALED_PREFIX = "enc:v1:";

export interface SealedParts {
  keyId: string;
  iv: Buffer;
  /** The ciphertext followed by GCM's 16-byte tag. */
  payload: Buffer;
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/** What a value sealed under `keyId` starts with (`secrets rotate` selects by it). */
export function sealedPrefixOf(keyId: string): string {
  return `${SEALED_PREFIX}${keyId}:`;
}

export function formatSealed(parts: SealedParts): string {
  return `${sealedPrefixOf(parts.keyId)}${parts.iv.toString("base64url")}:${parts.payload.toString("base64url")}`;
}

const SEALED = /^enc:v1:([0-9a-f]{8}):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+)$/;

/** The parts of a sealed value, or undefined when it is not one of ours in shape. */
export function parseSealed(value: string): SealedParts | undefined {
  const match = SEALED.exec(value);
  if (!match) return undefined;
  const [, keyId, iv, payload] = match as unknown as [string, string, string, string];
  return {
    keyId,
    iv: Buffer.from(iv, "base64url"),
    payload: Buffer.from(payload, "base64url"),
  };
}

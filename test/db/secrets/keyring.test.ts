import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { encodeKey, parseKeys } from "../../../src/db/secrets/key-file.js";
import { createKeyring, keyIdOf, newKey } from "../../../src/db/secrets/keyring.js";
import { formatSealed, parseSealed } from "../../../src/db/secrets/sealed-value.js";
import { AppError } from "../../../src/errors.js";

const HERE = 'webhook_endpoints.secret ["acc_1","whk_1"]';

/** The error `work` throws, for matching its code and message. */
function thrown(work: () => unknown): { code?: string; message: string } {
  try {
    work();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("nothing was thrown");
}

describe("a keyring", () => {
  it("seals with its first key and opens what it sealed, a fresh IV each time", () => {
    const key = newKey();
    const keyring = createKeyring([key, newKey()]);
    expect(keyring.sealingKeyId).toBe(keyIdOf(key));
    expect(keyring.sealingKeyId).toMatch(/^[0-9a-f]{8}$/);
    const first = keyring.seal("whsec_plain", HERE);
    const second = keyring.seal("whsec_plain", HERE);
    expect(first).toMatch(new RegExp(`^enc:v1:${keyring.sealingKeyId}:[\\w-]{16}:[\\w-]+$`));
    expect(first).not.toContain("whsec_plain");
    expect(second).not.toBe(first);
    expect(keyring.open(first, HERE)).toBe("whsec_plain");
    expect(keyring.open(keyring.seal("", HERE), HERE)).toBe("");
    expect(keyring.open(keyring.seal("Grüße ✓", HERE), HERE)).toBe("Grüße ✓");
  });

  it("refuses a value whose ciphertext, tag or IV was altered", () => {
    const keyring = createKeyring([newKey()]);
    const parts = parseSealed(keyring.seal("whsec_plain", HERE));
    if (!parts) throw new Error("not sealed");
    const flipped = (bytes: Buffer, at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] as number) ^ 1;
      return copy;
    };
    const altered = [
      formatSealed({ ...parts, payload: flipped(parts.payload, 0) }),
      formatSealed({ ...parts, payload: flipped(parts.payload, parts.payload.length - 1) }),
      formatSealed({ ...parts, iv: flipped(parts.iv, 3) }),
    ];
    for (const value of altered) {
      expect(thrown(() => keyring.open(value, HERE))).toMatchObject({
        code: "secret_unreadable",
        message: expect.stringContaining("does not open: it was altered"),
      });
    }
    expect(thrown(() => keyring.open("enc:v1:zz:nonsense", HERE)).code).toBe("secret_unreadable");
  });

  it("refuses a value moved to another row or column", () => {
    const keyring = createKeyring([newKey()]);
    const sealed = keyring.seal("whsec_plain", HERE);
    for (const elsewhere of [
      'webhook_endpoints.secret ["acc_1","whk_2"]',
      'webhook_endpoints.secret ["acc_2","whk_1"]',
      'webhook_endpoints.previous_secret ["acc_1","whk_1"]',
    ]) {
      expect(thrown(() => keyring.open(sealed, elsewhere))).toMatchObject({
        code: "secret_unreadable",
        message: expect.stringContaining(elsewhere),
      });
    }
  });

  it("refuses a value sealed with a key it does not hold, naming the key", () => {
    const other = createKeyring([newKey()]);
    const keyring = createKeyring([newKey()]);
    const error = thrown(() => keyring.open(other.seal("whsec_plain", HERE), HERE));
    expect(error.code).toBe("secrets_key_missing");
    expect(error.message).toContain(`encrypted with key ${other.sealingKeyId}`);
    expect(error.message).toContain(keyring.sealingKeyId);
  });

  it("with a new key first, still opens what the old key sealed, and seals with the new one", () => {
    const oldKey = newKey();
    const sealedBefore = createKeyring([oldKey]).seal("whsec_plain", HERE);
    const rotating = createKeyring([newKey(), oldKey]);
    expect(rotating.open(sealedBefore, HERE)).toBe("whsec_plain");
    expect(rotating.seal("x", HERE)).toContain(`enc:v1:${rotating.sealingKeyId}:`);
    expect(rotating.sealingKeyId).not.toBe(keyIdOf(oldKey));
  });

  it("signs for one purpose with a derived key: verified after a rotation, never for another purpose", () => {
    const oldKey = newKey();
    const signature = createKeyring([oldKey]).sign("eml_1.1700000000", "reason-form-link");
    expect(signature).toMatch(new RegExp(`^${keyIdOf(oldKey)}\\.[\\w-]{43}$`));
    const rotating = createKeyring([newKey(), oldKey]);
    expect(rotating.verify("eml_1.1700000000", signature, "reason-form-link")).toBe(true);
    expect(rotating.verify("eml_2.1700000000", signature, "reason-form-link")).toBe(false);
    expect(rotating.verify("eml_1.1700000000", signature, "another-purpose")).toBe(false);
    expect(
      createKeyring([newKey()]).verify("eml_1.1700000000", signature, "reason-form-link"),
    ).toBe(false);
    // The sealing key itself never signs: a plain HMAC under it does not verify.
    const plain = createHmac("sha256", oldKey).update("eml_1.1700000000").digest("base64url");
    expect(
      rotating.verify("eml_1.1700000000", `${keyIdOf(oldKey)}.${plain}`, "reason-form-link"),
    ).toBe(false);
  });

  it("shows key ids, never the keys", () => {
    const key = newKey();
    const keyring = createKeyring([key]);
    const shown = `${JSON.stringify(keyring)} ${String(Object.values(keyring))}`;
    expect(shown).not.toContain(key.toString("hex"));
    expect(shown).not.toContain(key.toString("base64"));
    expect(JSON.stringify(keyring)).toBe(
      JSON.stringify({ keyIds: [keyring.sealingKeyId], sealingKeyId: keyring.sealingKeyId }),
    );
  });

  it("refuses no key, a short key, and a key listed twice", () => {
    const key = newKey();
    expect(thrown(() => createKeyring([])).code).toBe("invalid_secrets_key");
    expect(thrown(() => createKeyring([key.subarray(0, 16)])).code).toBe("invalid_secrets_key");
    expect(thrown(() => createKeyring([key, Buffer.from(key)])).message).toContain("listed twice");
  });
});

describe("SECRETS_KEY", () => {
  it("takes base64, base64url or hex keys, comma or line separated, the sealing key first", () => {
    const [a, b, c] = [newKey(), newKey(), newKey()];
    const text = ` ${encodeKey(a)},${b.toString("base64url")}\n${c.toString("hex")} `;
    expect(parseKeys(text, "SECRETS_KEY")).toEqual([a, b, c]);
    const config = loadConfig({ SECRETS_KEY: `${encodeKey(b)},${encodeKey(a)}` });
    expect(config.secretsKey?.keyIds).toEqual([keyIdOf(b), keyIdOf(a)]);
    expect(loadConfig({}).secretsKey).toBeNull();
    expect(loadConfig({ SECRETS_KEY: "" }).secretsKey).toBeNull();
  });

  it("that is not 32 bytes of base64 or hex is a config error naming the variable, not the value", () => {
    const good = encodeKey(newKey());
    for (const [raw, entry] of [
      ["tooshort", 1],
      [`${good},${good.slice(0, 40)}`, 2],
      [`${newKey().toString("hex")}ab`, 1],
      [`${good},${Buffer.alloc(33).toString("base64")}`, 2],
    ] as const) {
      const error = thrown(() => loadConfig({ SECRETS_KEY: raw }));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "invalid_config", field: "SECRETS_KEY" });
      expect(error.message).toContain(`SECRETS_KEY: key ${entry} is not 32 bytes`);
      expect(error.message).not.toContain(raw);
    }
    expect(thrown(() => loadConfig({ SECRETS_KEY: `${good},${good}` })).message).toMatch(
      /^SECRETS_KEY: Key [0-9a-f]{8} is listed twice/,
    );
  });
});

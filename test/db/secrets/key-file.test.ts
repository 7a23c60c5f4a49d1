import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createKeyFile,
  encodeKey,
  keyFilePath,
  readKeyFile,
  replaceKeyFile,
} from "../../../src/db/secrets/key-file.js";
import { newKey } from "../../../src/db/secrets/keyring.js";

const dirs: string[] = [];
async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "ci-keys-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("the key file", () => {
  it("is made on first use with one new key, readable by its owner only, and reused after", async () => {
    const dataDir = path.join(await scratchDir(), "data");
    expect(await readKeyFile(dataDir)).toBeNull();
    const made = await createKeyFile(dataDir);
    expect(made.created).toBe(true);
    expect(made.keys).toHaveLength(1);
    expect((await stat(keyFilePath(dataDir))).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(await readFile(keyFilePath(dataDir), "utf8")).toBe(
      `${encodeKey(made.keys[0] as Buffer)}\n`,
    );

    const again = await createKeyFile(dataDir);
    expect(again).toEqual({ keys: made.keys, created: false });
    expect(await readKeyFile(dataDir)).toEqual(made.keys);
    // No temporary file is left behind.
    expect(await readdir(dataDir)).toEqual(["secrets.key"]);
  });

  it("made by many at once, holds one key that every one of them got", async () => {
    const dataDir = await scratchDir();
    const results = await Promise.all(Array.from({ length: 12 }, () => createKeyFile(dataDir)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const onDisk = await readKeyFile(dataDir);
    for (const result of results) expect(result.keys).toEqual(onDisk);
    expect(await readdir(dataDir)).toEqual(["secrets.key"]);
  });

  it("is replaced whole, still readable by its owner only", async () => {
    const dataDir = await scratchDir();
    await createKeyFile(dataDir);
    const keys = [newKey(), newKey()];
    await replaceKeyFile(dataDir, keys);
    expect(await readKeyFile(dataDir)).toEqual(keys);
    expect((await stat(keyFilePath(dataDir))).mode & 0o777).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(["secrets.key"]);
  });

  it("that holds no key, or a broken one, is an error naming the file", async () => {
    const dataDir = await scratchDir();
    await writeFile(keyFilePath(dataDir), "\n");
    await expect(readKeyFile(dataDir)).rejects.toThrow(`${keyFilePath(dataDir)} holds no key`);
    await writeFile(keyFilePath(dataDir), `${encodeKey(newKey())}\nnot-a-key\n`);
    await expect(readKeyFile(dataDir)).rejects.toThrow(
      `${keyFilePath(dataDir)}: key 2 is not 32 bytes`,
    );
  });
});

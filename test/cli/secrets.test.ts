import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { keyFilePath, parseKeys } from "../../src/db/secrets/key-file.js";
import { createKeyring, keyIdOf } from "../../src/db/secrets/keyring.js";
import { cliDatabase, freePort, runCli, startCli } from "../helpers/cli.js";
import { TEST_SECRETS_KEY, testSecrets } from "../helpers/secrets.js";

// Each test runs CLI processes on a fresh database: slow on PGlite, so they are few.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshDatabase() {
  const database = await cliDatabase();
  cleanups.push(database.cleanup);
  return database;
}

/** Runs `work` on the database from this process (PGlite: while no CLI process has it). */
async function inDatabase<T>(
  open: () => Promise<DatabaseHandle>,
  work: (db: DatabaseHandle["db"]) => Promise<T>,
): Promise<T> {
  const database = await open();
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

async function createAccount(env: NodeJS.ProcessEnv): Promise<string> {
  const created = await runCli(["account", "create", "--name", "Sealed Co", "--json"], env);
  expect(created.stderr).toBe("");
  return JSON.parse(created.stdout).account_id;
}

async function storedHashSecret(open: () => Promise<DatabaseHandle>, accountId: string) {
  return inDatabase(open, async (db) => {
    const row = await db
      .selectFrom("accounts")
      .select("customer_hash_secret")
      .where("id", "=", accountId)
      .executeTakeFirstOrThrow();
    return row.customer_hash_secret;
  });
}

interface Status {
  keyring: { source: string; key_ids: string[]; sealing_key_id: string } | null;
  recorded_key_ids: string[];
  columns: Array<{ column: string; sealed: Record<string, number>; plaintext: number }>;
  missing_key_ids: string[];
}

async function status(env: NodeJS.ProcessEnv): Promise<Status> {
  const result = await runCli(["secrets", "status", "--json"], env);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe("start", { timeout: 120_000 }, () => {
  it("refuses a key the database was not sealed with, changing nothing; with the right one seals the plaintext secrets of before", async () => {
    const { env, open } = await freshDatabase();
    const accountId = await createAccount(env);
    await inDatabase(open, (db) =>
      db
        .updateTable("accounts")
        .set({ customer_hash_secret: "hash-secret-of-before" })
        .where("id", "=", accountId)
        .execute(),
    );
    const port = String(await freePort());

    const wrongKey = (await runCli(["secrets", "new-key"])).stdout.trim();
    const refused = await runCli(["start"], { ...env, PORT: port, SECRETS_KEY: wrongKey });
    expect(refused.code).not.toBe(0);
    const wrongId = createKeyring(parseKeys(wrongKey, "test")).sealingKeyId;
    expect(refused.stderr.trim().split("\n")).toEqual([
      `cancel-insights: The database's secrets are encrypted with key ${testSecrets.sealingKeyId}, ` +
        `which SECRETS_KEY does not hold (it holds ${wrongId}). Give the key they were encrypted ` +
        "with (while rotating, the new key first and the old one after it); nothing was changed.",
    ]);
    expect(refused.stdout).not.toContain("running");
    expect(await storedHashSecret(open, accountId)).toBe("hash-secret-of-before");

    const server = await startCli([], { ...env, PORT: port });
    await server.stop();
    expect(server.output()).toContain(
      `Secrets key:      SECRETS_KEY (key ${testSecrets.sealingKeyId} encrypts)`,
    );
    expect(server.output()).toContain("Encrypted 1 secrets stored in plaintext before.");
    // Key ids only: neither the key nor a secret shows.
    expect(server.output()).not.toContain(TEST_SECRETS_KEY);
    expect(server.output()).not.toContain("hash-secret-of-before");
    const sealed = await storedHashSecret(open, accountId);
    expect(sealed).toMatch(`enc:v1:${testSecrets.sealingKeyId}:`);
    const account = await inDatabase(open, (db) =>
      createAccountsRepository(db, { secrets: testSecrets }).find(accountId),
    );
    expect(account?.customer_hash_secret).toBe("hash-secret-of-before");
  });
});

describe("secrets status and rotate", { timeout: 120_000 }, () => {
  it("with SECRETS_KEY=NEW,OLD re-seals everything with NEW; then NEW alone is enough and OLD alone is refused", async () => {
    const { env } = await freshDatabase();
    const accountId = await createAccount(env);
    const newKey = (await runCli(["secrets", "new-key"])).stdout.trim();
    const newId = keyIdOf(parseKeys(newKey, "test")[0] as Buffer);
    const oldId = testSecrets.sealingKeyId;
    const rotating = { ...env, SECRETS_KEY: `${newKey},${TEST_SECRETS_KEY}` };

    const before = await status(rotating);
    expect(before).toMatchObject({
      keyring: { source: "SECRETS_KEY", key_ids: [newId, oldId], sealing_key_id: newId },
      recorded_key_ids: [oldId],
      missing_key_ids: [],
    });
    expect(before.columns[0]).toEqual({
      column: "accounts.customer_hash_secret",
      sealed: { [oldId]: 1 },
      plaintext: 0,
    });

    const rotated = await runCli(["secrets", "rotate"], rotating);
    expect(rotated.stderr).toBe("");
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`Re-encrypted 1 secrets with key ${newId}.`);
    expect(rotated.stdout).toContain("drop the other keys from SECRETS_KEY");

    const after = await status({ ...env, SECRETS_KEY: newKey });
    expect(after).toMatchObject({ recorded_key_ids: [newId], missing_key_ids: [] });
    expect(after.columns[0]?.sealed).toEqual({ [newId]: 1 });

    const old = await runCli(["export", "--account", accountId], env);
    expect(old.code).not.toBe(0);
    expect(old.stderr).toContain(`encrypted with key ${newId}, which SECRETS_KEY does not hold`);
  });

  it("without SECRETS_KEY, the key file made on first use is replaced by a new key", async () => {
    const database = await freshDatabase();
    const dataDir = await mkdtemp(path.join(tmpdir(), "ci-keyfile-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // PGlite's own directory holds the key file beside the data; PostgreSQL gets one too.
    const env = { DATA_DIR: dataDir, ...database.env, SECRETS_KEY: "" };
    const file = keyFilePath(env.DATA_DIR);
    await createAccount(env);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const firstId = createKeyring(parseKeys(await readFile(file, "utf8"), file)).sealingKeyId;

    const rotated = await runCli(["secrets", "rotate"], env);
    expect(rotated.stderr).toBe("");
    const keys = parseKeys(await readFile(file, "utf8"), file);
    expect(keys).toHaveLength(1);
    const newId = keyIdOf(keys[0] as Buffer);
    expect(newId).not.toBe(firstId);
    expect(rotated.stdout).toContain(`Re-encrypted 1 secrets with key ${newId}.`);
    expect(rotated.stdout).toContain("holds only it now: back it up again");
    const after = await status(env);
    expect(after).toMatchObject({ recorded_key_ids: [newId], missing_key_ids: [] });
    expect(after.columns[0]?.sealed).toEqual({ [newId]: 1 });
  });
});

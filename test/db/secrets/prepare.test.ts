import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { Database, DatabaseHandle } from "../../../src/db/database.js";
import { newId } from "../../../src/db/ids.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { migrationProvider } from "../../../src/db/migrations/index.js";
import { createRepositories, type Repositories } from "../../../src/db/repositories/index.js";
import { keyFilePath, readKeyFile } from "../../../src/db/secrets/key-file.js";
import { forgetUnusedKeys, recordedKeyIds } from "../../../src/db/secrets/key-registry.js";
import { createKeyring, type Keyring, newKey } from "../../../src/db/secrets/keyring.js";
import { prepareSecrets } from "../../../src/db/secrets/prepare.js";
import { resealUnderSealingKey } from "../../../src/db/secrets/reseal.js";
import { countSealedValues } from "../../../src/db/secrets/sealed-counts.js";
import { createTestDatabase } from "../../helpers/database.js";

const opened: Array<DatabaseHandle & { url: string | null }> = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((database) => database.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function database(): Promise<Database> {
  const handle = await createTestDatabase();
  opened.push(handle);
  return handle.db;
}

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "ci-secrets-"));
  dirs.push(dir);
  return dir;
}

const withKeyring = (keyring: Keyring) => ({ keyring, dataDir: "/nonexistent" });
const repos = (db: Database, secrets: Keyring): Repositories => createRepositories(db, { secrets });

/** Every stored secret, raw: what a stolen backup would show. */
async function rawSecrets(db: Database): Promise<string[]> {
  const result = await sql<{ value: string }>`
    select customer_hash_secret as value from accounts
    union all select secret from webhook_endpoints
    union all select previous_secret from webhook_endpoints where previous_secret is not null
    order by value`.execute(db);
  return result.rows.map((r) => r.value);
}

/** An account with a webhook endpoint whose secret was rotated once: three secrets. */
async function accountWithWebhook(r: Repositories) {
  const { account } = await r.accounts.create("Sealed Co");
  const endpoint = await r.webhookEndpoints.create(
    account.id,
    {
      url: "https://hooks.example.com/x",
      kind: "webhook",
      description: "",
      event_types: ["cancellation.created"],
      enabled: true,
      include_test: false,
    },
    "whsec_first",
  );
  const rotated = await r.webhookEndpoints.rotateSecret(account.id, endpoint.id, "whsec_second");
  expect(rotated).toMatchObject({ secret: "whsec_second", previous_secret: "whsec_first" });
  return { account, endpoint };
}

describe("preparing the secrets at start", () => {
  it("seals the plaintext secrets of before, once, and they read as before", async () => {
    const db = await database();
    const keyring = createKeyring([newKey()]);
    const { account } = await repos(db, keyring).accounts.create("Old Co");
    // As an installation from before this feature has them.
    await db
      .updateTable("accounts")
      .set({ customer_hash_secret: "hash-secret-of-before" })
      .where("id", "=", account.id)
      .execute();
    const endpointId = newId("whk");
    await db
      .insertInto("webhook_endpoints")
      .values({
        account_id: account.id,
        id: endpointId,
        url: "https://hooks.example.com/old",
        kind: "webhook",
        event_types: ["cancellation.created"],
        secret: "whsec_of_before",
        previous_secret: "whsec_older",
      })
      .execute();
    // Read as they are until then (an older process may still write them during an upgrade).
    expect((await repos(db, keyring).accounts.find(account.id))?.customer_hash_secret).toBe(
      "hash-secret-of-before",
    );

    const prepared = await prepareSecrets(db, withKeyring(keyring));
    expect(prepared).toMatchObject({ source: "SECRETS_KEY", created: false, sealedNow: 3 });
    const raw = await rawSecrets(db);
    expect(raw).toHaveLength(3);
    for (const value of raw) expect(value).toMatch(`enc:v1:${keyring.sealingKeyId}:`);
    expect(raw.join()).not.toMatch(/of-before|of_before|older/);
    expect(await recordedKeyIds(db)).toEqual([keyring.sealingKeyId]);

    const r = repos(db, keyring);
    expect((await r.accounts.find(account.id))?.customer_hash_secret).toBe("hash-secret-of-before");
    expect(await r.webhookEndpoints.find(account.id, endpointId)).toMatchObject({
      secret: "whsec_of_before",
      previous_secret: "whsec_older",
    });
    expect((await prepareSecrets(db, withKeyring(keyring))).sealedNow).toBe(0);
    expect(await rawSecrets(db)).toEqual(raw);
  });

  it("refuses a keyring without the database's key, naming both, and changes nothing", async () => {
    const db = await database();
    const right = createKeyring([newKey()]);
    await prepareSecrets(db, withKeyring(right));
    await accountWithWebhook(repos(db, right));
    await db.updateTable("accounts").set({ customer_hash_secret: "plain" }).execute();
    const before = await rawSecrets(db);

    const wrong = createKeyring([newKey()]);
    const refusal = prepareSecrets(db, withKeyring(wrong));
    await expect(refusal).rejects.toMatchObject({
      code: "secrets_key_missing",
      message: expect.stringContaining(
        `encrypted with key ${right.sealingKeyId}, which SECRETS_KEY does not hold (it holds ${wrong.sealingKeyId})`,
      ),
    });
    expect(await rawSecrets(db)).toEqual(before);
    expect(await recordedKeyIds(db)).toEqual([right.sealingKeyId]);
  });

  it("without SECRETS_KEY makes a key file for a database with no secrets yet, and refuses one that has them", async () => {
    const db = await database();
    const dataDir = await scratchDir();
    const first = await prepareSecrets(db, { keyring: null, dataDir });
    expect(first).toMatchObject({ source: keyFilePath(dataDir), created: true, sealedNow: 0 });
    const again = await prepareSecrets(db, { keyring: null, dataDir });
    expect(again).toMatchObject({ created: false });
    expect(again.keyring.keyIds).toEqual(first.keyring.keyIds);
    expect(await recordedKeyIds(db)).toEqual([first.keyring.sealingKeyId]);

    // The file is lost: a new key would open nothing, so none is made.
    const elsewhere = await scratchDir();
    await expect(prepareSecrets(db, { keyring: null, dataDir: elsewhere })).rejects.toThrow(
      `encrypted with key ${first.keyring.sealingKeyId}, but SECRETS_KEY is not set and ${keyFilePath(elsewhere)} does not exist`,
    );
    expect(await readKeyFile(elsewhere)).toBeNull();
  });

  it("a sealed value copied into another row or column does not open", async () => {
    const db = await database();
    const keyring = createKeyring([newKey()]);
    const r = repos(db, keyring);
    const { account, endpoint } = await accountWithWebhook(r);
    const { account: other } = await r.accounts.create("Other Co");
    const stored = await db
      .selectFrom("accounts")
      .select("customer_hash_secret")
      .where("id", "=", account.id)
      .executeTakeFirstOrThrow();
    await db
      .updateTable("accounts")
      .set({ customer_hash_secret: stored.customer_hash_secret })
      .where("id", "=", other.id)
      .execute();
    await expect(r.accounts.find(other.id)).rejects.toMatchObject({ code: "secret_unreadable" });
    expect((await r.accounts.find(account.id))?.customer_hash_secret).toMatch(/^[0-9a-f]{64}$/);

    await db
      .updateTable("webhook_endpoints")
      .set((eb) => ({ previous_secret: eb.ref("secret") }))
      .where("id", "=", endpoint.id)
      .execute();
    await expect(r.webhookEndpoints.find(account.id, endpoint.id)).rejects.toMatchObject({
      code: "secret_unreadable",
      message: expect.stringContaining("webhook_endpoints.previous_secret"),
    });
  });
});

describe("rotation", () => {
  it("re-seals every value with the new key in batches; then the database needs only it", async () => {
    const db = await database();
    const oldKey = newKey();
    const old = createKeyring([oldKey]);
    await prepareSecrets(db, withKeyring(old));
    const { account, endpoint } = await accountWithWebhook(repos(db, old));
    await repos(db, old).accounts.create("Second Co");

    const nextKey = newKey();
    const rotating = createKeyring([nextKey, oldKey]);
    await prepareSecrets(db, withKeyring(rotating));
    expect(await recordedKeyIds(db)).toEqual(
      expect.arrayContaining([old.sealingKeyId, rotating.sealingKeyId]),
    );
    expect(await resealUnderSealingKey(db, rotating, 1)).toBe(4);
    const counts = await countSealedValues(db);
    expect(counts).toEqual([
      {
        column: "accounts.customer_hash_secret",
        sealed: { [rotating.sealingKeyId]: 2 },
        plaintext: 0,
      },
      { column: "webhook_endpoints.secret", sealed: { [rotating.sealingKeyId]: 1 }, plaintext: 0 },
      {
        column: "webhook_endpoints.previous_secret",
        sealed: { [rotating.sealingKeyId]: 1 },
        plaintext: 0,
      },
      { column: "billing_connections.api_key", sealed: {}, plaintext: 0 },
      { column: "billing_connections.webhook_secret", sealed: {}, plaintext: 0 },
    ]);
    expect(await resealUnderSealingKey(db, rotating)).toBe(0);

    // A process still sealing with the old key wrote meanwhile: that key is still needed.
    const late = await repos(db, old).accounts.create("Late Co");
    expect(await forgetUnusedKeys(db, rotating)).toEqual([rotating.sealingKeyId, old.sealingKeyId]);
    expect(await resealUnderSealingKey(db, rotating)).toBe(1);
    expect(await forgetUnusedKeys(db, rotating)).toEqual([rotating.sealingKeyId]);
    expect(await recordedKeyIds(db)).toEqual([rotating.sealingKeyId]);

    // The new key alone reads everything; the old one alone is refused.
    const r = repos(db, createKeyring([nextKey]));
    expect((await r.accounts.find(late.account.id))?.customer_hash_secret).toBe(
      late.account.customer_hash_secret,
    );
    expect(await r.webhookEndpoints.find(account.id, endpoint.id)).toMatchObject({
      secret: "whsec_second",
      previous_secret: "whsec_first",
    });
    await expect(prepareSecrets(db, withKeyring(old))).rejects.toMatchObject({
      code: "secrets_key_missing",
    });
  });
});

describe("migration 0013", () => {
  it("goes down to no secrets_keys table, and up again", async () => {
    const db = await database();
    const tables = async () =>
      (
        await sql<{ name: string }>`select relname as name from pg_class
          where relname = 'secrets_keys' and relkind = 'r'`.execute(db)
      ).rows.map((r) => r.name);
    expect(await tables()).toEqual(["secrets_keys"]);
    const names = Object.keys(await migrationProvider.getMigrations()).sort();
    const before = names[names.indexOf("0013-secrets") - 1] as string;
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(before);
    expect(error).toBeUndefined();
    expect(await tables()).toEqual([]);
    expect(await migrateToLatest(db)).toContain("0013-secrets");
    expect(await tables()).toEqual(["secrets_keys"]);
  }, 180_000);
});

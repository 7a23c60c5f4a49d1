import { afterAll, beforeAll } from "vitest";
import type { FakeStripe } from "../../src/billing/stripe/fake/server.js";
import type { DatabaseHandle } from "../../src/db/database.js";
import { createRepositories, type Repositories } from "../../src/db/repositories/index.js";
import type { SyncDeps } from "../../src/sync/deps.js";
import { fakeStripe, settingsFor } from "../billing/stripe/fake.js";
import type { VirtualClock } from "../billing/virtual-clock.js";
import { createTestDatabase } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";
import { silent } from "../jobs/setup.js";

export { LIVE_KEY, TEST_KEY } from "../billing/stripe/fake.js";

/** The jobs tests' silent logger: the sync logs through the same interface. */
export const silentLog = silent;

export interface SyncEnvironment {
  fake: FakeStripe;
  clock: VirtualClock;
  db: () => DatabaseHandle["db"];
  repos: () => Repositories;
  deps: () => SyncDeps;
}

/**
 * A fake Stripe on a virtual clock and a migrated database for the test file; the sync's
 * deps point at both (no rate limit, retries wait on the virtual clock).
 */
export async function syncEnvironment(
  options: Parameters<typeof fakeStripe>[0] = {},
): Promise<SyncEnvironment> {
  const { fake, clock } = await fakeStripe(options);
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(() => handle?.close());
  const db = () => handle.db;
  return {
    fake,
    clock,
    db,
    repos: () => createRepositories(db(), { secrets: testSecrets }),
    deps: () => ({
      db: db(),
      secrets: testSecrets,
      config: { stripe: settingsFor(fake) },
      log: silentLog,
      clock,
    }),
  };
}

/** A new account, for each test its own. */
export async function newAccount(repos: Repositories): Promise<string> {
  const { account } = await repos.accounts.create("Sync Co");
  return account.id;
}

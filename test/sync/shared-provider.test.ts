import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { createRepositories } from "../../src/db/repositories/index.js";
import type { SyncDeps } from "../../src/sync/deps.js";
import { providerForConnection } from "../../src/sync/provider-for-connection.js";
import { fakeStripe, settingsFor, TEST_KEY } from "../billing/stripe/fake.js";
import { createTestDatabase } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";
import { silentLog } from "./setup.js";

// On a virtual clock: the waits the rate limiter asks for are what is checked.
const { fake, clock } = await fakeStripe();
const PER_SECOND = 5;

describe("a connection's provider in one process", () => {
  let handle: DatabaseHandle;
  let deps: SyncDeps;
  let accountId: string;
  let connectionId: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const repos = createRepositories(handle.db, { secrets: testSecrets });
    accountId = (await repos.accounts.create("Shared Co")).account.id;
    const connection = await repos.billingConnections.create(accountId, {
      provider: "stripe",
      mode: "test",
      apiKey: TEST_KEY,
      webhookSecret: null,
    });
    connectionId = connection.id;
    // One settings object, as a worker has: its jobs share what is built for it.
    deps = {
      db: handle.db,
      secrets: testSecrets,
      config: { stripe: settingsFor(fake, PER_SECOND) },
      log: silentLog,
      clock,
    };
  });
  afterAll(() => handle?.close());

  it("is one provider for every job, so one rate limiter paces all their requests", async () => {
    const first = await providerForConnection(deps, accountId, connectionId);
    const second = await providerForConnection(deps, accountId, connectionId);
    expect(second.provider).toBe(first.provider);

    const before = fake.requests.length;
    const waited = clock.sleeps.length;
    // Two jobs' worth of fetches at once, as webhooks arriving together make them.
    await Promise.all(
      [first, second, first, second, first, second].map(({ provider }, i) =>
        provider.subscription(`sub_missing_${i}`),
      ),
    );
    const fetched = fake.requests
      .slice(before)
      .filter((r) => r.path.startsWith("/v1/subscriptions/"));
    expect(fetched).toHaveLength(6);
    // One limiter at 5 a second gives the six requests slots 200 ms apart: the last waits a
    // second. A limiter per job would have let each job's first request go at once.
    expect(clock.sleeps.slice(waited).sort((a, b) => a - b)).toEqual([200, 400, 600, 800, 1000]);
  });
});

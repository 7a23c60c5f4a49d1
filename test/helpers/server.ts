import type { FastifyInstance } from "fastify";
import type { DestinationStream } from "pino";
import { loadConfig } from "../../src/config.js";
import type { ApiEvent } from "../../src/contract/event.js";
import type { DatabaseHandle } from "../../src/db/database.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createRepositories } from "../../src/db/repositories/index.js";
import { type DemoOffers, startDemoOffers } from "../../src/demo/demo-offers.js";
import { addDemoRetention } from "../../src/demo/demo-retention.js";
import { toApiEvent } from "../../src/presenters/event.js";
import { buildApp } from "../../src/server/app.js";
import { silent } from "../jobs/setup.js";
import { createTestDatabase } from "./database.js";
import { testSecrets } from "./secrets.js";

export interface TestServer {
  url: string;
  app: FastifyInstance;
  /** `url` reaches the same database from another process (Postgres only). */
  database: DatabaseHandle & { url: string | null };
  accountId: string;
  accessTokenId: string;
  secretKey: string;
  /** The demo's offers when asked for (`demoOffers`). */
  demoOffers: DemoOffers | null;
  /** The account's events, test ones included, oldest first. */
  storedEvents(): Promise<ApiEvent[]>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Keep the ingest and API rate limits on (off by default so tests can post freely). */
  rateLimit?: boolean;
  /** Passed through as environment to the config. */
  env?: Record<string, string>;
  /** Listen on a port (browser tests) or not (app.inject tests). */
  listen?: boolean;
  /** Serve /demo with the account's token, as `npm start` does. */
  demoPage?: boolean;
  /** The port to listen on (default: any free one), e.g. to match a PUBLIC_URL. */
  port?: number;
  /** Where the server's logs go, at info level (default: no logs). */
  logStream?: DestinationStream;
  /**
   * With `demoPage`: the demo's offer and campaign, and its bundled fake Stripe with this many
   * offer-eligible customers, as `npm start` serves the demo account.
   */
  demoOffers?: number;
}

/** The real app on a fresh database with one account, as `npm start` would serve it. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const config = loadConfig({
    WIDGET_RATE_LIMIT: options.rateLimit ? "60" : "0",
    API_RATE_LIMIT: options.rateLimit ? "120" : "0",
    TOKEN_CACHE_MS: "0",
    // Tests that deliver webhooks turn it on; the others need no worker polling.
    WORKER: "off",
    ...options.env,
  });
  const created = await createAccountsRepository(database.db, { secrets: testSecrets }).create(
    "Acme Test",
  );
  const offers =
    options.demoOffers === undefined
      ? null
      : await demoOffersFor(database, created.account.id, config, options.demoOffers);
  const app = await buildApp({
    config: offers ? { ...config, stripe: offers.stripe } : config,
    ...(offers ? { demoCustomer: offers.nextCustomer } : {}),
    database,
    secrets: testSecrets,
    demoAccessTokenId: options.demoPage ? created.accessTokenId : null,
    ...(options.logStream ? { logger: { level: "info", stream: options.logStream } } : {}),
  });
  let url = "";
  if (options.listen !== false) {
    await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
    const address = app.server.address();
    if (!address || typeof address === "string") throw new Error("no port");
    url = `http://127.0.0.1:${address.port}`;
  } else {
    await app.ready();
  }
  let closed = false;
  return {
    url,
    app,
    database,
    accountId: created.account.id,
    accessTokenId: created.accessTokenId,
    secretKey: created.secretKey,
    demoOffers: offers,
    async storedEvents() {
      const rows = await database.db
        .selectFrom("events")
        .selectAll()
        .where("account_id", "=", created.account.id)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toApiEvent);
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await offers?.close();
      await database.close();
    },
  };
}

async function demoOffersFor(
  database: DatabaseHandle,
  accountId: string,
  config: ReturnType<typeof loadConfig>,
  customers: number,
): Promise<DemoOffers> {
  const deps = { db: database.db, secrets: testSecrets, config, log: silent };
  await addDemoRetention(createRepositories(database.db, { secrets: testSecrets }), accountId);
  return startDemoOffers(deps, accountId, { customers });
}

/**
 * One billing bench run in its own process, so that its peak RSS is the sync's and its
 * database's alone (the fake Stripe runs in the parent): a backfill of the fake's account,
 * or the server with its worker taking the fake's webhooks.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { createAccountsRepository } from "../src/db/repositories/accounts.js";
import { createKeyring, newKey } from "../src/db/secrets/keyring.js";
import { buildApp } from "../src/server/app.js";
import { runBackfill } from "../src/sync/backfill.js";
import { connectBilling } from "../src/sync/connect.js";
import { createScratchPostgres } from "../test/helpers/scratch-postgres.js";
import { childOptions, serveParent } from "./lib.js";

export interface BackfillChildOptions {
  apiBase: string;
  apiKey: string;
  /** Requests per second the limiter allows (test-mode keys). */
  rate: number;
  databaseUrl: string | null;
  webhookSecret: string;
}

export interface WebhookTarget {
  url: string;
}

export interface BackfillChildResult {
  ms: number;
  customers: number;
  subscriptions: number;
  /** Peak resident set of this process, in MiB. */
  peakRssMb: number;
}

const options = childOptions<BackfillChildOptions>();
const quiet = { debug() {}, info() {}, error() {} };

async function openEngine() {
  if (!options.databaseUrl) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "ci-bench-billing-"));
    const database = await openDatabase({ dataDir });
    return { database, drop: () => rm(dataDir, { recursive: true }) };
  }
  const scratch = await createScratchPostgres(options.databaseUrl, "ci_bench_billing");
  return { database: await openDatabase({ databaseUrl: scratch.url }), drop: scratch.drop };
}

const { database, drop } = await openEngine();
await migrateToLatest(database.db);
const secrets = createKeyring([newKey()]);
const config = loadConfig({
  STRIPE_API_BASE: options.apiBase,
  STRIPE_TEST_RATE_LIMIT: String(options.rate),
  LOG_LEVEL: "warn",
});
const deps = { db: database.db, secrets, config, log: quiet };
let app: Awaited<ReturnType<typeof buildApp>> | null = null;

serveParent(
  {},
  {
    async backfill(): Promise<BackfillChildResult> {
      const { account } = await createAccountsRepository(database.db, { secrets }).create("Bench");
      const started = performance.now();
      const connection = await connectBilling(deps, account.id, {
        provider: "stripe",
        apiKey: options.apiKey,
      });
      const done = await runBackfill(deps, account.id, connection.id);
      if (done.state !== "succeeded")
        throw new Error(`backfill ${done.state}: ${done.error?.message}`);
      return {
        ms: performance.now() - started,
        customers: done.customers,
        subscriptions: done.subscriptions,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      };
    },
    /** The server and its worker, the account connected and backfilled: where to post. */
    async serve(): Promise<WebhookTarget> {
      const { account } = await createAccountsRepository(database.db, { secrets }).create("Bench");
      const connection = await connectBilling(deps, account.id, {
        provider: "stripe",
        apiKey: options.apiKey,
        webhookSecret: options.webhookSecret,
      });
      await runBackfill(deps, account.id, connection.id);
      const server = await buildApp({ config, database, secrets, logger: { level: "warn" } });
      app = server;
      await server.listen({ host: "127.0.0.1", port: 0 });
      const { port } = server.server.address() as { port: number };
      return { url: `http://127.0.0.1:${port}/webhooks/stripe/${connection.id}` };
    },
    /** Waits until `count` webhook events are processed; resolves with how many are. */
    async processed(message): Promise<number> {
      const count = Number(message.count);
      for (;;) {
        const row = await database.db
          .selectFrom("provider_events")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("processed_at", "is not", null)
          .where("source", "=", "webhook")
          .executeTakeFirstOrThrow();
        if (Number(row.n) >= count) return Number(row.n);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  },
  async () => {
    // The server's worker first: it uses the database until it stops.
    await app?.close();
    await database.close();
    await drop();
  },
);

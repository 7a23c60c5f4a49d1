/**
 * The real app, as `npm start` builds it, in a child process of bench/run.ts. It listens on
 * a free port and reports `{url, accountId, accessTokenId, reasonIds}`; the parent can ask
 * it to count stored events, to profile itself, and to close (which drains the writer).
 *
 * With `serve: false` it only opens the database and answers counts: the parent uses that
 * to look at what survived after it SIGKILLed the serving process.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { createAccountsRepository } from "../src/db/repositories/accounts.js";
import { createKeyring, newKey } from "../src/db/secrets/keyring.js";
import { buildApp } from "../src/server/app.js";
import { childOptions, serveParent } from "./lib.js";

/** A throwaway key: the bench's databases live only as long as it runs. */
const secrets = createKeyring([newKey()]);

export type BenchDatabase =
  | { kind: "pglite"; dataDir: string | null }
  | { kind: "postgres"; url: string };

export interface AppServerOptions {
  database: BenchDatabase;
  serve: boolean;
  /** Drop what ingest maintains besides the row and its keys (see STRIPPED below). */
  stripped?: boolean;
}

export interface AppServerReady {
  url: string;
  accountId: string;
  accessTokenId: string;
  reasonIds: string[];
}

export interface EventCounts {
  /** Every event of the account. */
  rows: number;
  /** Distinct inserting transactions (xmin): rows / transactions is the group-commit batch. */
  transactions: number;
  /** Of the keys asked about, how many are stored. */
  keysFound: number;
}

/**
 * For the lower-bound run only (BENCH_INGEST_STRIPPED=1): the events table keeps its
 * primary key, idempotency key and date index and loses the account foreign key, the
 * comment-search and customer indexes and the rollup and webhook triggers. No deployment
 * runs like this; it shows how much of the gap to bare Fastify the schema accounts for.
 */
const STRIPPED = [
  "alter table events drop constraint events_account_id_fkey",
  "drop index events_comment_search",
  "drop index events_account_customer",
  "drop trigger event_rollups_insert on events",
  "drop trigger webhook_enqueue_created on events",
];

const options = childOptions<AppServerOptions>();
const database = await openDatabase(
  options.database.kind === "postgres"
    ? { databaseUrl: options.database.url }
    : { dataDir: options.database.dataDir },
);

let app: FastifyInstance | null = null;
let ready: Partial<AppServerReady> = {};
if (options.serve) {
  await migrateToLatest(database.db);
  if (options.stripped) for (const ddl of STRIPPED) await sql.raw(ddl).execute(database.db);
  const created = await createAccountsRepository(database.db, { secrets }).create("Bench");
  app = await buildApp({ config: loadConfig({ WIDGET_RATE_LIMIT: "0" }), database, secrets });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("server has no port");
  const url = `http://127.0.0.1:${address.port}`;
  const response = await fetch(
    `${url}/api/widget/config?access_token_id=${encodeURIComponent(created.accessTokenId)}`,
  );
  if (!response.ok) throw new Error(`GET /api/widget/config: ${response.status}`);
  const config = (await response.json()) as { reasons: Array<{ id: string }> };
  ready = {
    url,
    accountId: created.account.id,
    accessTokenId: created.accessTokenId,
    reasonIds: config.reasons.map((r) => r.id),
  };
}

let session: Session | null = null;

serveParent(
  ready,
  {
    async count(message): Promise<EventCounts> {
      const accountId = String(message.accountId);
      const keys = (message.keys as string[] | undefined) ?? [];
      const totals = await sql<{ rows: number; transactions: number }>`
        select count(*)::int as rows, count(distinct xmin::text)::int as transactions
        from events where account_id = ${accountId}`.execute(database.db);
      const found = await sql<{ n: number }>`
        select count(*)::int as n
        from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as k(key)
        join events e on e.account_id = ${accountId} and e.idempotency_key = k.key`.execute(
        database.db,
      );
      return {
        rows: totals.rows[0]?.rows ?? 0,
        transactions: totals.rows[0]?.transactions ?? 0,
        keysFound: found.rows[0]?.n ?? 0,
      };
    },

    async profileStart() {
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
      return null;
    },

    async profileStop(message) {
      if (!session) throw new Error("profiler not started");
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      session = null;
      await writeFile(String(message.file), JSON.stringify(profile));
      return null;
    },
  },
  async () => {
    // Closing the app drains the event writer before the database goes away.
    await app?.close();
    await database.close();
  },
);

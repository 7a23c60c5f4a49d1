import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, type KyselyPlugin, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.js";
import { DomainError } from "./domain-error.js";
import type { NotificationSubscriber, Unlisten } from "./notifications.js";
import { createPgListener } from "./pg-listener.js";
import type { DB } from "./schema.js";
import { guardedPool } from "./unavailable.js";

export type Database = Kysely<DB>;
export type Engine = "pglite" | "postgres";

export interface DatabaseHandle {
  readonly db: Database;
  readonly engine: Engine;
  /**
   * Subscribes to `channel` until the returned function is called. A lost connection does
   * not reject or throw: it is told to `subscriber.listening`, and listening resumes itself.
   */
  listen(channel: string, subscriber: NotificationSubscriber): Promise<Unlisten>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Postgres connection string; when absent, embedded PGlite is used. */
  databaseUrl?: string | null;
  /** PGlite's home; null keeps PGlite in memory (tests). */
  dataDir?: string | null;
  /**
   * In-memory PGlite: a dump of a data directory (`PGlite.dumpDataDir`) to start from instead
   * of running initdb (tests start from one migrated template).
   */
  startFrom?: Blob;
  poolSize?: number;
  /** Postgres: how long to wait for a connection, or for a free one of the pool. */
  connectTimeoutMs?: number;
  /** Postgres: the longest a statement may run (0: no limit, for migrations). */
  queryTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_QUERY_TIMEOUT_MS = 5000;
/**
 * The client gives up this long after the server should have: a reply this late means the
 * network is gone (the server's own statement_timeout answers a slow query first).
 */
const READ_GRACE_MS = 1000;

const INT8_OID = 20;

async function openPostgres(url: string, options: DatabaseOptions): Promise<DatabaseHandle> {
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // An unreachable server (packets dropped) would otherwise hold every request for the
    // kernel's TCP timeouts, minutes; with these a request gets 503 database_unavailable.
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(queryTimeoutMs > 0
      ? { statement_timeout: queryTimeoutMs, query_timeout: queryTimeoutMs + READ_GRACE_MS }
      : {}),
    keepAlive: true,
    // Counts and money amounts fit in a double; strings would leak into every caller.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new DomainError(
      "database_unavailable",
      `Cannot connect to DATABASE_URL: ${(error as Error).message}`,
      { cause: error },
    );
  }
  // An idle connection can die under the pool (Postgres restarted, a failover, a dropped
  // database). pg reports it here and replaces the connection on next use; unheard, it would
  // be an uncaught error that ends the process.
  let closing = false;
  pool.on("error", (error) => {
    if (!closing)
      console.error(`cancel-insights: a database connection was lost: ${error.message}`);
  });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: guardedPool(pool) }),
  });
  const listener = createPgListener(url);
  return {
    db,
    engine: "postgres",
    listen: listener.listen,
    close: async () => {
      closing = true;
      await listener.close();
      await db.destroy();
    },
  };
}

/**
 * Checks the lock before every query, not only at its next heartbeat: a process whose lock
 * was taken must not write another page of the data directory.
 */
function lockGuard(lock: DataDirLock): KyselyPlugin {
  return {
    transformQuery: ({ node }) => {
      lock.assertHeld();
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

async function openPglite(dataDir: string | null, startFrom?: Blob): Promise<DatabaseHandle> {
  const lock = dataDir ? await lockDataDir(dataDir) : null;
  try {
    const client = dataDir
      ? await PGlite.create({ dataDir: path.join(dataDir, "pglite") })
      : await PGlite.create(startFrom ? { loadDataDir: startFrom } : {});
    const db = new Kysely<DB>({
      dialect: new PGliteDialect(client),
      plugins: lock ? [lockGuard(lock)] : [],
    });
    return {
      db,
      engine: "pglite",
      // One process, one backend: PGlite hears its own notifications, and never loses them.
      listen: async (channel, subscriber) => {
        const unlisten = await client.listen(channel, () => subscriber.notified());
        subscriber.listening(true);
        return () => unlisten();
      },
      close: async () => {
        // Closing PGlite writes a checkpoint: not into a directory that is someone else's now.
        lock?.assertHeld();
        await db.destroy();
        await lock?.release();
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

export function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options)
    : openPglite(options.dataDir ?? null, options.startFrom);
}

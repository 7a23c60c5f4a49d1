import type { PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

/** How the client says a query's reply never came (pg's `query_timeout`). */
const READ_TIMEOUT = "Query read timeout";

/** Socket errors: the server is down, refuses, or the network between is gone. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

/**
 * SQLSTATEs that say "not now" rather than "never": the connection broke (class 08), the
 * server is shutting down or starting (57P01-57P03), out of connections (53300), or the
 * statement ran past statement_timeout (57014).
 */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300|57014)$/;

/** pg's own messages for a connection it could not make or lost. */
const CLIENT_MESSAGES = [
  READ_TIMEOUT,
  "timeout exceeded when trying to connect",
  "Connection terminated",
  "Client has encountered a connection error",
  "Connection ended unexpectedly",
];

/**
 * Whether `error` means the database cannot be reached or answer right now (a retry later
 * may work), as opposed to a fault in the request or the code.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.test(code))) {
    return true;
  }
  if (CLIENT_MESSAGES.some((message) => error.message.startsWith(message))) return true;
  if (error instanceof AggregateError && error.errors.some((e) => isDatabaseUnavailable(e))) {
    return true;
  }
  return isDatabaseUnavailable(error.cause, depth + 1);
}

/**
 * The pool Kysely uses, with two changes. A connection that fails while checked out is
 * told to its query (which fails) and as an `error` event that pg-pool only listens for
 * while the connection is idle: unheard, it would end the process. And a connection that
 * failed, or whose query timed out on our side (the reply never came: a dead network), is
 * closed instead of going back to the pool, where the next request would queue behind it.
 */
export function guardedPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let broken = false;
      const lost = () => {
        broken = true;
      };
      client.on("error", lost);
      const query = ((sql: string, parameters: readonly unknown[]) =>
        client.query(sql, parameters as unknown[]).catch((error: unknown) => {
          if (error instanceof Error && error.message === READ_TIMEOUT) broken = true;
          throw error;
        })) as unknown as PostgresPoolClient["query"];
      return {
        query,
        release: (destroy) => {
          client.off("error", lost);
          client.release(destroy || broken);
        },
      };
    },
    end: () => pool.end(),
  };
}

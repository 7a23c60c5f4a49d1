import type { FastifyRequest } from "fastify";
import type { DestinationStream, LoggerOptions } from "pino";

/**
 * Query parameters whose values say nothing about a customer and hold no secret: dates,
 * paging and switches. Any other value (a search, a customer id, a cursor) is logged as
 * `[redacted]`, so a new parameter is safe until someone decides otherwise.
 */
const LOGGABLE_QUERY = new Set([
  "from",
  "to",
  "start_date",
  "end_date",
  "interval",
  "page",
  "per_page",
  "limit",
  "include_test",
  "include_archived",
  "test_mode",
  "kind",
  "format",
  "locale",
  "status",
]);

/** Paths that carry a secret: an invite link's one-time token. */
const SECRET_PATHS = [/^(\/invite\/)[^/?#]+/, /^(\/api\/invites\/)[^/?#]+/];

const REDACTED = "[redacted]";

/** The request's URL as it may be logged: no secret path segment, no customer's words. */
export function loggableUrl(url: string): string {
  const queryAt = url.indexOf("?");
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  for (const pattern of SECRET_PATHS) path = path.replace(pattern, `$1${REDACTED}`);
  if (queryAt === -1) return path;
  const query = url
    .slice(queryAt + 1)
    .split("&")
    .map((pair) => {
      const [name = "", value] = pair.split("=", 2);
      let key = name;
      try {
        key = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {}
      return value === undefined || LOGGABLE_QUERY.has(key) ? pair : `${name}=${REDACTED}`;
    })
    .join("&");
  return `${path}?${query}`;
}

/** Fields of a database error that name the schema, never the data. */
const DATABASE_ERROR_FIELDS = [
  "code",
  "severity",
  "routine",
  "schema",
  "table",
  "column",
  "constraint",
];

/** Postgres errors quote the offending value (`invalid input syntax ...: "the comment"`). */
function isDatabaseError(error: Error & { severity?: unknown; code?: unknown }): boolean {
  return typeof error.severity === "string" && typeof error.code === "string";
}

interface LoggedError {
  type: string;
  message: string;
  stack: string | undefined;
  cause?: LoggedError;
  [field: string]: unknown;
}

/**
 * An error as it may be logged. Drivers hang the statement's parameters (`params`), the
 * row (`detail`) or the query on their errors, and quote values in messages: only the type,
 * the message (quoted parts blanked for database errors) and the stack are kept, plus the
 * fields that name the schema.
 */
export function loggableError(error: unknown, depth = 0): LoggedError | unknown {
  if (!(error instanceof Error)) return typeof error === "object" ? "[not an Error]" : error;
  const fromDatabase = isDatabaseError(error);
  const message = fromDatabase ? error.message.replace(/"[^"]*"/g, `"${REDACTED}"`) : error.message;
  const stackBody = error.stack?.split("\n").slice(1).join("\n");
  const logged: LoggedError = {
    type: error.constructor?.name ?? error.name,
    message,
    stack: stackBody === undefined ? undefined : `${error.name}: ${message}\n${stackBody}`,
  };
  const fields = error as unknown as Record<string, unknown>;
  for (const field of fromDatabase ? DATABASE_ERROR_FIELDS : ["code"]) {
    const value = fields[field];
    if (typeof value === "string" || typeof value === "number") logged[field] = value;
  }
  if (error.cause !== undefined && depth < 5) {
    logged.cause = loggableError(error.cause, depth + 1) as LoggedError;
  }
  return logged;
}

/** pino options for the server and the worker: JSON lines, nothing customers said or secret. */
export function loggerOptions(
  level: string,
  stream?: DestinationStream,
): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      err: loggableError,
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: loggableUrl(request.url),
        remoteAddress: request.ip,
      }),
    },
  };
}

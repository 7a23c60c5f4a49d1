import path from "node:path";
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS } from "./db/database.js";
import { DomainError } from "./db/domain-error.js";
import { parseKeys } from "./db/secrets/key-file.js";
import { createKeyring, type Keyring } from "./db/secrets/keyring.js";
import { AppError } from "./errors.js";

/** Everything the process is configured with, read and checked once at start. */
export interface Config {
  readonly host: string;
  readonly port: number;
  /** Where browsers reach this server; used in the snippet. */
  readonly publicUrl: string;
  /** Postgres connection string; null means embedded PGlite under `dataDir`. */
  readonly databaseUrl: string | null;
  /** PostgreSQL: how long to wait for a connection; past it a request gets 503. */
  readonly databaseConnectTimeoutMs: number;
  /** PostgreSQL: the longest one statement may run (0: no limit). */
  readonly databaseQueryTimeoutMs: number;
  readonly dataDir: string;
  /**
   * The keys of SECRETS_KEY that seal secrets at rest (the first seals, all open); null
   * leaves them to the key file in `dataDir`, made on first start (src/db/secrets).
   */
  readonly secretsKey: Keyring | null;
  readonly logLevel: string;
  /** Ingest requests allowed per access token and client IP per minute; 0 turns the limit off. */
  readonly widgetRateLimitPerMinute: number;
  /** REST API requests allowed per API key per minute; 0 turns the limit off. */
  readonly apiRateLimitPerMinute: number;
  /** How long an access token lookup is trusted before the database is asked again. */
  readonly tokenCacheMs: number;
  /**
   * Which proxies may tell the client's IP (X-Forwarded-For): false, true, or a list of
   * addresses. Off by default: otherwise any client could pick its own IP and
   * walk around the rate limits.
   */
  readonly trustProxy: boolean | string;
  /** Run the background worker inside this process (`start`); off leaves it to `worker`. */
  readonly worker: boolean;
  readonly jobs: JobsConfig;
  readonly webhooks: WebhookConfig;
  readonly stripe: StripeSettings;
  readonly mail: MailSettings;
}

/** Where email goes: an SMTP server, or the dashboard's outbox when there is none. */
export interface MailSettings {
  /** `smtp://` or `smtps://` with any credentials in it; null keeps emails in the outbox. */
  readonly smtpUrl: string | null;
  /** The From header of every email. */
  readonly from: string;
}

/** How we reach Stripe: where, how fast, how long we wait. */
export interface StripeSettings {
  /** Stripe's API, or a proxy or a fake in front of it: an origin, no path. */
  readonly apiBase: string;
  /**
   * Keys whose requests go elsewhere than `apiBase`: the demo's key to the fake Stripe
   * bundled with the server (src/demo/demo-offers.ts), which runs only as long as it.
   */
  readonly apiBaseByKey?: ReadonlyMap<string, string>;
  /** Requests per second one live connection makes at most; 0: no limit. */
  readonly liveRequestsPerSecond: number;
  /** The same for a test-mode connection, which Stripe allows fewer. */
  readonly testRequestsPerSecond: number;
  /** How long one request may take before it counts as failed (and is retried). */
  readonly timeoutMs: number;
  /** Minutes between two catch-ups of a connection's events (missed webhooks). */
  readonly catchUpMinutes: number;
  /**
   * A big account's backfill lists in `created` windows of at least this many days, each
   * resumable on its own; 0: never split.
   */
  readonly backfillWindowDays: number;
  /** Objects per list request: Stripe's largest, 100 (tests use fewer to stay small). */
  readonly listPageSize: number;
  /** Which coupon durations lower MRR: `forever` only by default, as Stripe's own analytics. */
  readonly mrrDiscountDurations: readonly CouponDurationName[];
}

export type CouponDurationName = "once" | "repeating" | "forever";
const COUPON_DURATIONS: readonly CouponDurationName[] = ["once", "repeating", "forever"];

function couponDurations(raw: string | undefined): readonly CouponDurationName[] {
  const names = (raw && raw.trim() !== "" ? raw : "forever").split(",").map((n) => n.trim());
  const unknown = names.filter((n) => !(COUPON_DURATIONS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new AppError(
      "invalid_config",
      `MRR_DISCOUNT_DURATIONS lists coupon durations (${COUPON_DURATIONS.join(", ")}), got "${unknown.join(", ")}".`,
      { field: "MRR_DISCOUNT_DURATIONS" },
    );
  }
  return Object.freeze([...new Set(names as CouponDurationName[])]);
}

/** The background worker: how it looks for work (webhook deliveries and jobs alike), and jobs. */
export interface JobsConfig {
  /** How often an idle worker looks for due work while it cannot hear of new work. */
  readonly pollMs: number;
  /** The same while it hears of new work at once: polling is only the safety net then. */
  readonly notifiedPollMs: number;
  /** Jobs one worker runs at once (webhook deliveries have their own room). */
  readonly concurrency: number;
  /** Days a done or failed job is kept (with its dedupe key); 0 keeps them all. */
  readonly logDays: number;
}

export interface WebhookConfig {
  /** How long a receiver may take to answer one delivery. */
  readonly timeoutMs: number;
  /** The first retry's delay; each next one doubles (with jitter), up to `maxDelayMs`. */
  readonly retryBaseMs: number;
  readonly maxDelayMs: number;
  /** Attempts before a delivery is marked failed. */
  readonly maxAttempts: number;
  /** Allow loopback, private and link-local targets (tests, local development). */
  readonly allowPrivateTargets: boolean;
  /** Days a delivered or failed delivery stays in the log; 0 keeps them all. */
  readonly logDays: number;
}

export interface ConfigOverrides {
  host?: string | undefined;
  port?: number | string | undefined;
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function integer(
  name: string,
  raw: string | number | undefined,
  fallback: number,
  min = 0,
): number {
  if (raw === undefined || raw === "") return fallback;
  const value = typeof raw === "number" ? raw : Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new AppError("invalid_config", `${name} must be an integer >= ${min}, got "${raw}".`, {
      field: name,
    });
  }
  return value;
}

function databaseUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === "") return null;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new AppError("invalid_config", "DATABASE_URL must start with postgres://", {
      field: "DATABASE_URL",
    });
  }
  return raw;
}

function publicUrl(raw: string | undefined, host: string, port: number): string {
  const fallbackHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  const value = raw && raw !== "" ? raw : `http://${fallbackHost}:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError("invalid_config", `PUBLIC_URL is not a URL: "${value}".`, {
      field: "PUBLIC_URL",
    });
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}

function trustProxy(raw: string | undefined): boolean | string {
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  if (/^[\d.:a-fA-F/, ]+$/.test(raw)) return raw;
  throw new AppError(
    "invalid_config",
    `TRUST_PROXY must be true, false or a list of proxy addresses, got "${raw}".`,
    { field: "TRUST_PROXY" },
  );
}

function flag(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === "") return fallback;
  if (["on", "true", "1", "yes"].includes(raw)) return true;
  if (["off", "false", "0", "no"].includes(raw)) return false;
  throw new AppError("invalid_config", `${name} must be on or off, got "${raw}".`, {
    field: name,
  });
}

function secretsKey(raw: string | undefined): Keyring | null {
  if (raw === undefined || raw.trim() === "") return null;
  try {
    return createKeyring(parseKeys(raw, "SECRETS_KEY"));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // The message names the variable and the faulty entry, never a key.
    const message = error.message.startsWith("SECRETS_KEY")
      ? error.message
      : `SECRETS_KEY: ${error.message}`;
    throw new AppError("invalid_config", message, { field: "SECRETS_KEY" });
  }
}

function jobsConfig(env: NodeJS.ProcessEnv): JobsConfig {
  // WEBHOOK_POLL_MS is its name from when the worker sent only webhooks.
  const pollName = env.WORKER_POLL_MS ? "WORKER_POLL_MS" : "WEBHOOK_POLL_MS";
  // Set, the interval holds whatever the worker hears; unset (0), it depends on that.
  const pollMs = integer(pollName, env[pollName], 0, 1);
  return Object.freeze({
    pollMs: pollMs || 1000,
    notifiedPollMs: pollMs || 30_000,
    concurrency: integer("JOB_CONCURRENCY", env.JOB_CONCURRENCY, 4, 1),
    logDays: integer("JOB_LOG_DAYS", env.JOB_LOG_DAYS, 30),
  });
}

function webhookConfig(env: NodeJS.ProcessEnv): WebhookConfig {
  const retryBaseMs = integer("WEBHOOK_RETRY_BASE_MS", env.WEBHOOK_RETRY_BASE_MS, 30_000, 1);
  return Object.freeze({
    timeoutMs: integer("WEBHOOK_TIMEOUT_MS", env.WEBHOOK_TIMEOUT_MS, 10_000, 1),
    retryBaseMs,
    // Six hours, or the base when a test makes it tiny: retries stay minutes apart at most.
    maxDelayMs: Math.min(6 * 3600_000, retryBaseMs * 720),
    maxAttempts: integer("WEBHOOK_MAX_ATTEMPTS", env.WEBHOOK_MAX_ATTEMPTS, 15, 1),
    allowPrivateTargets: flag(
      "WEBHOOK_ALLOW_PRIVATE_TARGETS",
      env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      false,
    ),
    logDays: integer("WEBHOOK_LOG_DAYS", env.WEBHOOK_LOG_DAYS, 30),
  });
}

function stripeApiBase(raw: string | undefined): string {
  const value = raw && raw !== "" ? raw : "https://api.stripe.com";
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {}
  // The SDK takes a host, a port and a protocol: a path or a query would be dropped silently.
  if (!url || !["http:", "https:"].includes(url.protocol) || url.pathname !== "/" || url.search) {
    throw new AppError(
      "invalid_config",
      `STRIPE_API_BASE must be an http(s) origin without a path, got "${value}".`,
      { field: "STRIPE_API_BASE" },
    );
  }
  return url.origin;
}

/** Stripe's largest list page. */
export const STRIPE_LIST_PAGE_SIZE = 100;

function stripeSettings(env: NodeJS.ProcessEnv): StripeSettings {
  return Object.freeze({
    apiBase: stripeApiBase(env.STRIPE_API_BASE),
    // Under Stripe's own limits (100 requests per second live, 25 in test mode, less on some
    // endpoints), leaving room for the site's own calls with the same account.
    liveRequestsPerSecond: integer("STRIPE_RATE_LIMIT", env.STRIPE_RATE_LIMIT, 25),
    testRequestsPerSecond: integer("STRIPE_TEST_RATE_LIMIT", env.STRIPE_TEST_RATE_LIMIT, 10),
    timeoutMs: integer("STRIPE_TIMEOUT_MS", env.STRIPE_TIMEOUT_MS, 30_000, 1),
    catchUpMinutes: integer("STRIPE_CATCH_UP_MINUTES", env.STRIPE_CATCH_UP_MINUTES, 15, 1),
    backfillWindowDays: integer("STRIPE_BACKFILL_WINDOW_DAYS", env.STRIPE_BACKFILL_WINDOW_DAYS, 30),
    listPageSize: STRIPE_LIST_PAGE_SIZE,
    mrrDiscountDurations: couponDurations(env.MRR_DISCOUNT_DURATIONS),
  });
}

function mailSettings(env: NodeJS.ProcessEnv, publicUrlValue: string): MailSettings {
  const raw = env.SMTP_URL;
  let smtpUrl: string | null = null;
  if (raw !== undefined && raw !== "") {
    let url: URL | null = null;
    try {
      url = new URL(raw);
    } catch {}
    if (!url || !["smtp:", "smtps:"].includes(url.protocol)) {
      // Never echoes the value: it may hold a password.
      throw new AppError("invalid_config", "SMTP_URL must be an smtp:// or smtps:// URL.", {
        field: "SMTP_URL",
      });
    }
    smtpUrl = raw;
  }
  const from =
    env.MAIL_FROM?.trim() || `Cancel Insights <no-reply@${new URL(publicUrlValue).hostname}>`;
  if (/[\r\n]/.test(from) || !/@/.test(from)) {
    throw new AppError("invalid_config", "MAIL_FROM must be one address, e.g. Name <a@b.c>.", {
      field: "MAIL_FROM",
    });
  }
  return Object.freeze({ smtpUrl, from });
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): Config {
  const host = overrides.host ?? env.HOST ?? "127.0.0.1";
  const port = integer("PORT", overrides.port ?? env.PORT, 3000);
  const logLevel = env.LOG_LEVEL ?? "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new AppError("invalid_config", `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}.`, {
      field: "LOG_LEVEL",
    });
  }
  const publicUrlValue = publicUrl(env.PUBLIC_URL, host, port);
  return Object.freeze({
    host,
    port,
    publicUrl: publicUrlValue,
    databaseUrl: databaseUrl(overrides.databaseUrl ?? env.DATABASE_URL),
    databaseConnectTimeoutMs: integer(
      "DATABASE_CONNECT_TIMEOUT_MS",
      env.DATABASE_CONNECT_TIMEOUT_MS,
      DEFAULT_CONNECT_TIMEOUT_MS,
      1,
    ),
    databaseQueryTimeoutMs: integer(
      "DATABASE_QUERY_TIMEOUT_MS",
      env.DATABASE_QUERY_TIMEOUT_MS,
      DEFAULT_QUERY_TIMEOUT_MS,
    ),
    dataDir: path.resolve(overrides.dataDir ?? env.DATA_DIR ?? "data"),
    secretsKey: secretsKey(env.SECRETS_KEY),
    logLevel,
    widgetRateLimitPerMinute: integer("WIDGET_RATE_LIMIT", env.WIDGET_RATE_LIMIT, 60),
    apiRateLimitPerMinute: integer("API_RATE_LIMIT", env.API_RATE_LIMIT, 120),
    tokenCacheMs: integer("TOKEN_CACHE_MS", env.TOKEN_CACHE_MS, 5000),
    trustProxy: trustProxy(env.TRUST_PROXY),
    worker: flag("WORKER", env.WORKER, true),
    jobs: jobsConfig(env),
    webhooks: webhookConfig(env),
    stripe: stripeSettings(env),
    mail: mailSettings(env, publicUrlValue),
  });
}

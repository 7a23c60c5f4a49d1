import type { FastifyInstance } from "fastify";
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/database.js";
import { createQueries, type Queries } from "../db/queries/index.js";
import { createRepositories, type Repositories } from "../db/repositories/index.js";
import type { Keyring } from "../db/secrets/keyring.js";
import type { SyncDeps } from "../sync/deps.js";
import { linkAnswers } from "../sync/link-answer.js";
import { createLoginThrottle, type LoginThrottle } from "./auth/login-throttle.js";
import { createSessions, type Sessions } from "./auth/sessions.js";
import { createEventWriter, type EventWriter } from "./event-writer.js";
import { createTokenGuessGuard } from "./token-guess-guard.js";
import { createWidgetAccounts, type WidgetAccounts } from "./widget-accounts.js";

/**
 * Widget requests per client IP and minute that may name an unknown or revoked token. A
 * page sends its site's one token; this leaves room for a stale tab of a revoked one.
 */
const UNKNOWN_TOKENS_PER_MINUTE = 20;

/** What routes share beyond data access, built once per app. */
export interface Services {
  readonly config: Config;
  /** PUBLIC_URL's origin: where the dashboard's own requests come from. */
  readonly publicOrigin: string;
  readonly sessions: Sessions;
  readonly throttle: LoginThrottle;
  /** Group commit of ingested events. */
  readonly writer: EventWriter;
  /** What the public widget routes know of a token, cached. */
  readonly widgetAccounts: WidgetAccounts;
  /** What the billing routes pass to src/sync (connect, backfill). */
  readonly sync: SyncDeps;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every repository, over the app's database. */
    repos: Repositories;
    /** The dashboard's questions. */
    queries: Queries;
    services: Services;
  }
}

/**
 * Builds repositories, queries and services once and hangs them on the root instance, where
 * every route plugin registered after finds them (`app.repos`, `app.services`).
 */
export function registerServices(
  app: FastifyInstance,
  config: Config,
  database: DatabaseHandle,
  secrets: Keyring,
): Services {
  const repos = createRepositories(database.db, { secrets });
  const services: Services = Object.freeze({
    config,
    publicOrigin: new URL(config.publicUrl).origin,
    sessions: createSessions(repos.sessions, {
      secure: config.publicUrl.startsWith("https:"),
    }),
    throttle: createLoginThrottle(repos.loginThrottle),
    writer: createEventWriter(repos.events, {
      // The answer is stored and acknowledged whatever happens here: a link missed now is
      // made when the provider next reports the cancellation (it links from its side too).
      afterInsert: (events) =>
        linkAnswers(repos, events).catch((error: unknown) => {
          const code = (error as { code?: unknown }).code;
          app.log.error(
            { events: events.map((e) => e.id), code },
            "linking answers to cancellations failed",
          );
        }),
    }),
    widgetAccounts: createWidgetAccounts(
      repos,
      config.tokenCacheMs,
      createTokenGuessGuard(config.widgetRateLimitPerMinute > 0 ? UNKNOWN_TOKENS_PER_MINUTE : 0),
    ),
    sync: { db: database.db, secrets, config, log: app.log },
  });
  app.decorate("repos", repos);
  app.decorate("queries", createQueries(database.db));
  app.decorate("services", services);
  return services;
}

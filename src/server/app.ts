import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/database.js";
import { registerErrorHandling } from "./error-handler.js";
import { createEventWriter } from "./event-writer.js";
import { healthRoutes } from "./routes/health.js";
import { widgetApiRoutes } from "./routes/widget-api.js";
import { widgetScriptRoutes } from "./routes/widget-script.js";
import { validatorCompiler } from "./validation.js";
import { createWidgetAccounts } from "./widget-accounts.js";

export interface AppOptions {
  config: Config;
  database: DatabaseHandle;
  logger?: FastifyServerOptions["logger"];
  /** Where the built widget lives (tests may point elsewhere). */
  widgetDir?: string;
  /** The token the /demo page embeds; null leaves the page explaining how to get one. */
  demoAccessTokenId?: string | null;
}

/** Composes the server in a visible order: shared behaviour, services, then routes. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    // Behind a proxy the client IP (rate limits) is in X-Forwarded-For.
    trustProxy: true,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: "x-request-id",
  });
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app);

  const writer = createEventWriter(database.db);
  const accounts = createWidgetAccounts(database.db, config.tokenCacheMs);
  // Answers already accepted must reach the database before the process lets go of it.
  app.addHook("onClose", async () => writer.drain());

  await app.register(healthRoutes, { database });
  await app.register(widgetScriptRoutes, options.widgetDir ? { dir: options.widgetDir } : {});
  await app.register(widgetApiRoutes, {
    accounts,
    writer,
    rateLimitPerMinute: config.widgetRateLimitPerMinute,
  });
  return app;
}

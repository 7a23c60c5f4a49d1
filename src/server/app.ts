import cookie from "@fastify/cookie";
import Fastify, { type FastifyInstance } from "fastify";
import type { DestinationStream } from "pino";
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/database.js";
import type { Keyring } from "../db/secrets/keyring.js";
import { registerAuth } from "./auth/request-auth.js";
import { frameworkErrors, registerErrorHandling } from "./error-handler.js";
import { loggerOptions } from "./logging.js";
import { registerOpenApi } from "./openapi.js";
import { accountScopedRoutes } from "./routes/account-scope.js";
import { accountsRoutes } from "./routes/accounts.js";
import { authRoutes } from "./routes/auth.js";
import { billingWebhookRoutes } from "./routes/billing-webhooks.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { type DemoOptions, demoRoutes } from "./routes/demo.js";
import { healthRoutes } from "./routes/health.js";
import { inviteAcceptRoutes } from "./routes/invites.js";
import { reasonFormRoutes } from "./routes/reason-form.js";
import { unsubscribeRoutes } from "./routes/unsubscribe.js";
import { v1Routes } from "./routes/v1.js";
import { widgetApiRoutes } from "./routes/widget-api.js";
import { publicWidgetLogoRoutes } from "./routes/widget-logo.js";
import { widgetScriptRoutes } from "./routes/widget-script.js";
import { registerServices } from "./services.js";
import { checkPathParams, validatorCompiler } from "./validation.js";
import { createWorker } from "./worker.js";

export interface AppOptions {
  config: Config;
  database: DatabaseHandle;
  /** Seals and opens the secrets the database keeps, checked against it already (prepareSecrets). */
  secrets: Keyring;
  /** Logs at `level` (to `stream`, else stdout); none when absent. */
  logger?: { level: string; stream?: DestinationStream };
  /** Where the built widget lives (tests may point elsewhere). */
  widgetDir?: string;
  /** The token the /demo page embeds; null leaves the page explaining how to get one. */
  demoAccessTokenId?: string | null;
  /** The customer each /demo load speaks for (src/demo/demo-offers.ts); absent: a made-up one. */
  demoCustomer?: DemoOptions["customer"];
}

/** Composes the server in a visible order: shared behaviour, services, then routes. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database, secrets } = options;
  const app = Fastify({
    logger: options.logger ? loggerOptions(options.logger.level, options.logger.stream) : false,
    trustProxy: config.trustProxy,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: "x-request-id",
    frameworkErrors,
  });
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app);
  app.addHook("onRequest", checkPathParams);
  // No secret: the session cookie is a random token the database knows by its hash.
  await app.register(cookie);
  // Before any route: the OpenAPI document is collected from routes as they register.
  await registerOpenApi(app, config.publicUrl);

  const { writer } = registerServices(app, config, database, secrets);
  registerAuth(app);
  // Answers already accepted must reach the database before the process lets go of it.
  app.addHook("onClose", async () => writer.drain());
  const worker = config.worker ? createWorker({ config, database, secrets, log: app.log }) : null;
  if (worker) {
    app.addHook("onReady", async () => worker.start());
    // Work in hand finishes (deliveries within their timeout) or is handed back before the
    // database closes.
    app.addHook("onClose", async () => worker.stop());
  }

  await app.register(healthRoutes, { database });
  await app.register(widgetScriptRoutes, options.widgetDir ? { dir: options.widgetDir } : {});
  await app.register(widgetApiRoutes);
  await app.register(publicWidgetLogoRoutes);
  await app.register(authRoutes);
  await app.register(accountsRoutes);
  await app.register(inviteAcceptRoutes);
  await app.register(reasonFormRoutes);
  await app.register(unsubscribeRoutes);
  await app.register(accountScopedRoutes, { prefix: "/api/accounts/:accountId" });
  await app.register(v1Routes, { prefix: "/v1" });
  await app.register(demoRoutes, {
    accessTokenId: options.demoAccessTokenId ?? null,
    ...(options.demoCustomer ? { customer: options.demoCustomer } : {}),
  });
  await app.register(billingWebhookRoutes, {
    deps: { db: database.db, secrets, config, log: app.log },
  });
  await app.register(dashboardRoutes, {});
  return app;
}

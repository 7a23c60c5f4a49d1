import type { FastifyInstance } from "fastify";
import { requireSession } from "../auth/request-auth.js";
import { requireMembership } from "../auth/require-account.js";
import type { AuthServices } from "../auth/services.js";
import { accountEventsRoutes } from "./account-events.js";
import { accountRoutes } from "./accounts.js";
import { exportRoutes } from "./export.js";
import { insightsRoutes } from "./insights.js";
import { inviteRoutes } from "./invites.js";
import { keyRoutes } from "./keys.js";
import { memberRoutes } from "./members.js";
import { reasonRoutes } from "./reasons.js";
import { setupRoutes } from "./setup.js";
import { type WebhookRoutesOptions, webhookRoutes } from "./webhooks.js";
import { widgetLogoRoutes } from "./widget-logo.js";
import { widgetSettingsRoutes } from "./widget-settings.js";

/**
 * Every route about one account, registered under `/api/accounts/:accountId`. The hooks
 * run before anything else: no session → 401, bad CSRF token → 403, not a member → 404.
 * Handlers then scope every query by `membershipOf(request).account_id`.
 *
 * Add new account-scoped route plugins here, and their routes to the cross-account test's
 * table in test/auth/account-routes.ts (a test fails until you do).
 */
export async function accountScopedRoutes(
  app: FastifyInstance,
  options: { auth: AuthServices; webhooks: WebhookRoutesOptions },
) {
  const { auth } = options;
  app.addHook("onRequest", requireSession(auth));
  app.addHook("onRequest", requireMembership(auth));
  // Not `options`: it carries this plugin's prefix, which the children would add again.
  await app.register(accountRoutes, { auth });
  await app.register(memberRoutes, { auth });
  await app.register(inviteRoutes, { auth });
  await app.register(keyRoutes, { auth });
  await app.register(insightsRoutes, { auth });
  await app.register(accountEventsRoutes, { auth });
  await app.register(reasonRoutes, { auth });
  await app.register(setupRoutes, { auth });
  await app.register(exportRoutes, { auth });
  await app.register(widgetSettingsRoutes, { auth });
  await app.register(webhookRoutes, { auth, webhooks: options.webhooks });
  await app.register(widgetLogoRoutes, { auth });
}

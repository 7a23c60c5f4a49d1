import type { FastifyInstance } from "fastify";
import { requireSession } from "../auth/request-auth.js";
import { requireMembership } from "../auth/require-account.js";
import { accountEventsRoutes } from "./account-events.js";
import { accountRoutes } from "./accounts.js";
import { billingRoutes } from "./billing.js";
import { campaignRoutes } from "./campaigns.js";
import { cancellationInsightsRoutes } from "./cancellation-insights.js";
import { cancellationReasonRoutes } from "./cancellation-reason.js";
import { customerBillingRoutes } from "./customer-billing.js";
import { emailRoutes } from "./emails.js";
import { exportRoutes } from "./export.js";
import { insightsRoutes } from "./insights.js";
import { inviteRoutes } from "./invites.js";
import { keyRoutes } from "./keys.js";
import { memberRoutes } from "./members.js";
import { offerPerformanceRoutes } from "./offer-performance.js";
import { offerRoutes } from "./offers.js";
import { reasonRoutes } from "./reasons.js";
import { reportingCurrencyRoutes } from "./reporting-currency.js";
import { setupRoutes } from "./setup.js";
import { webhookRoutes } from "./webhooks.js";
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
export async function accountScopedRoutes(app: FastifyInstance) {
  app.addHook("onRequest", requireSession);
  app.addHook("onRequest", requireMembership);
  await app.register(accountRoutes);
  await app.register(memberRoutes);
  await app.register(inviteRoutes);
  await app.register(keyRoutes);
  await app.register(insightsRoutes);
  await app.register(accountEventsRoutes);
  await app.register(reasonRoutes);
  await app.register(setupRoutes);
  await app.register(exportRoutes);
  await app.register(widgetSettingsRoutes);
  await app.register(webhookRoutes);
  await app.register(widgetLogoRoutes);
  await app.register(cancellationInsightsRoutes);
  await app.register(customerBillingRoutes);
  await app.register(cancellationReasonRoutes);
  await app.register(billingRoutes);
  await app.register(emailRoutes);
  await app.register(campaignRoutes);
  await app.register(offerRoutes);
  await app.register(reportingCurrencyRoutes);
  await app.register(offerPerformanceRoutes);
}

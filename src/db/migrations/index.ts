import type { Migration, MigrationProvider } from "kysely";
import * as initial from "./0001-initial.js";
import * as users from "./0002-users.js";
import * as insightsRollups from "./0003-insights-rollups.js";
import * as commentSearch from "./0004-comment-search.js";
import * as widgetSettings from "./0005-widget-settings.js";
import * as widgetLogo from "./0006-widget-logo.js";
import * as apiIdempotency from "./0007-api-idempotency.js";
import * as webhooks from "./0008-webhooks.js";
import * as webhookNotify from "./0009-webhook-notify.js";
import * as demoAccount from "./0010-demo-account.js";
import * as jobs from "./0012-jobs.js";
import * as secrets from "./0013-secrets.js";
import * as billing from "./0014-billing.js";
import * as cancellations from "./0015-cancellations.js";
import * as backfillWindows from "./0016-backfill-windows.js";
import * as reasonCorrection from "./0017-reason-correction.js";
import * as billingProviderNames from "./0018-billing-provider-names.js";
import * as reportingCurrency from "./0019-reporting-currency.js";
import * as email from "./0020-email.js";
import * as offers from "./0021-offers.js";
import * as offerSaves from "./0022-offer-saves.js";
import * as campaigns from "./0023-campaigns.js";

/** Migrations ship inside the code, so a packaged install needs no migration folder on disk. */
const migrations: Record<string, Migration> = {
  "0001-initial": initial,
  "0002-users": users,
  "0003-insights-rollups": insightsRollups,
  "0004-comment-search": commentSearch,
  "0005-widget-settings": widgetSettings,
  "0006-widget-logo": widgetLogo,
  "0007-api-idempotency": apiIdempotency,
  "0008-webhooks": webhooks,
  "0009-webhook-notify": webhookNotify,
  "0010-demo-account": demoAccount,
  "0012-jobs": jobs,
  "0013-secrets": secrets,
  "0014-billing": billing,
  "0015-cancellations": cancellations,
  "0016-backfill-windows": backfillWindows,
  "0017-reason-correction": reasonCorrection,
  "0018-billing-provider-names": billingProviderNames,
  "0019-reporting-currency": reportingCurrency,
  "0020-email": email,
  "0021-offers": offers,
  "0022-offer-saves": offerSaves,
  "0023-campaigns": campaigns,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

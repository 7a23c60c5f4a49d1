import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { findDemoAccount } from "../../db/demo-data.js";
import { randomToken } from "../../db/ids.js";
import { migrateToLatest } from "../../db/migrate.js";
import { createRepositories, type Repositories } from "../../db/repositories/index.js";
import { DASHBOARD_DIR, PROJECT_ROOT as ROOT, WIDGET_DIR } from "../../paths.js";
import { buildApp } from "../../server/app.js";
import { createFirstUser } from "../../server/auth/first-user.js";
import { REFERENCE_PATH } from "../../server/openapi.js";
import { createDemo, serveDemoOffers } from "../demo-account.js";
import { configFrom, openConfiguredDatabase, parseCommand } from "../options.js";
import { prepareConfiguredSecrets, secretsNotice, shownPath } from "../secrets-key.js";

/** A fresh clone has no built widget or dashboard: build them rather than fail. */
function ensureWidgetBuilt(): void {
  // The offer step is built last: a checkout built before it existed lacks only that.
  if (!existsSync(path.join(WIDGET_DIR, "barecancel-offer.js.br"))) {
    execFileSync(process.execPath, [path.join(ROOT, "bin/build-widget.js")], { stdio: "inherit" });
  }
  ensureDashboardBuilt();
}

/** The dashboard too; without Vite (a production install) the server explains instead. */
function ensureDashboardBuilt(): void {
  if (existsSync(path.join(DASHBOARD_DIR, "index.html"))) return;
  try {
    execFileSync(process.execPath, [path.join(ROOT, "bin/build-dashboard.js")], {
      stdio: "inherit",
    });
  } catch {
    console.error('Could not build the dashboard: run "npm ci && npm run build".');
  }
}

export const DEMO_EMAIL = "demo@example.com";

/**
 * A brand-new installation gets a demo login, printed once, so a newcomer can look around at
 * once; an installation with accounts but nobody to own them asks for the first login in the
 * browser instead.
 */
async function loginLine(repos: Repositories, demoCreated: boolean): Promise<string> {
  if (demoCreated && !(await repos.users.exists())) {
    const password = randomToken(16);
    await createFirstUser(repos, { email: DEMO_EMAIL, password });
    return `  Login:            ${DEMO_EMAIL} / ${password}   (shown once)`;
  }
  if (!(await repos.users.exists())) {
    return "  Login:            none yet: open the dashboard to create the first one";
  }
  return "";
}

export async function startCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    port: { type: "string", short: "p" },
    host: { type: "string" },
    demo: { type: "boolean" },
  });
  const config = configFrom(values);
  ensureWidgetBuilt();
  const database = await openConfiguredDatabase(config);
  try {
    await migrateToLatest(database.db);
    const prepared = await prepareConfiguredSecrets(config, database.db);
    const secrets = prepared.keyring;
    // The newcomer's embedded database starts with a demo to look at; a PostgreSQL (likely
    // production) gets one only when asked.
    const repos = createRepositories(database.db, { secrets });
    const wantsDemo =
      values.demo === true ||
      (config.databaseUrl === null && (await repos.accounts.list()).length === 0);
    const found = await findDemoAccount(database.db, secrets);
    const demo = found
      ? { ...found, created: false }
      : wantsDemo
        ? { ...(await createDemo(config, database.db, secrets)), created: true }
        : null;
    const login = await loginLine(repos, demo?.created ?? false);
    const offers = demo
      ? await serveDemoOffers(config, database.db, secrets, demo.accountId)
      : null;
    const app = await buildApp({
      // The demo's key reaches its bundled fake Stripe; every other key, Stripe.
      config: offers ? { ...config, stripe: offers.stripe } : config,
      database,
      secrets,
      logger: { level: config.logLevel },
      demoAccessTokenId: demo?.accessTokenId ?? null,
      ...(offers ? { demoCustomer: offers.nextCustomer } : {}),
    });
    if (offers) app.addHook("onClose", offers.close);
    const shutdown = async (signal: string) => {
      app.log.info({ signal }, "shutting down");
      await app.close();
      await database.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void shutdown("SIGINT"));
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    await app.listen({ host: config.host, port: config.port });

    const notice = secretsNotice(prepared, config);
    const storage = config.databaseUrl
      ? "PostgreSQL (DATABASE_URL)"
      : `embedded PGlite in ${shownPath(config.dataDir)}`;
    const lines = [
      "",
      `  Cancel Insights is running at ${config.publicUrl}`,
      `  Dashboard:        ${config.publicUrl}/`,
      login,
      `  Demo page:        ${config.publicUrl}/demo`,
      demo
        ? `  Embed token:      ${demo.accessTokenId}${demo.created ? " (demo account created)" : ""}`
        : "",
      `  Widget script:    ${config.publicUrl}/barecancel.js`,
      `  REST API docs:    ${config.publicUrl}${REFERENCE_PATH}`,
      `  Data:             ${storage}`,
      `  Secrets key:      ${notice.key}`,
      ...notice.notes.map((note) => `                    ${note}`),
      "  Stop with Ctrl+C.",
      "",
    ];
    console.log(lines.filter((line) => line !== "").join("\n"));
  } catch (error) {
    await database.close();
    throw error;
  }
}

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../../db/database.js";
import { ensureDemoAccount } from "../../db/demo-data.js";
import { migrateToLatest } from "../../db/migrate.js";
import { buildApp } from "../../server/app.js";
import { DASHBOARD_DIR } from "../../server/routes/dashboard.js";
import { WIDGET_DIR } from "../../server/routes/widget-script.js";
import { configFrom, parseCommand } from "../options.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A fresh clone has no built widget or dashboard: build them rather than fail. */
function ensureWidgetBuilt(): void {
  if (!existsSync(path.join(WIDGET_DIR, "barecancel.js.br"))) {
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

export async function startCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    port: { type: "string", short: "p" },
    host: { type: "string" },
  });
  const config = configFrom(values);
  ensureWidgetBuilt();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
    const demo = await ensureDemoAccount(database.db);
    const app = await buildApp({
      config,
      database,
      logger: { level: config.logLevel },
      demoAccessTokenId: demo?.accessTokenId ?? null,
    });
    const shutdown = async (signal: string) => {
      app.log.info({ signal }, "shutting down");
      await app.close();
      await database.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void shutdown("SIGINT"));
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    await app.listen({ host: config.host, port: config.port });

    const relative = path.relative(process.cwd(), config.dataDir);
    const shown = relative.startsWith("..") ? config.dataDir : `./${relative}`;
    const storage = config.databaseUrl
      ? "PostgreSQL (DATABASE_URL)"
      : `embedded PGlite in ${shown}`;
    const lines = [
      "",
      `  Cancel Insights is running at ${config.publicUrl}`,
      `  Demo page:        ${config.publicUrl}/demo`,
      demo
        ? `  Embed token:      ${demo.accessTokenId}${demo.created ? " (demo account created)" : ""}`
        : "",
      `  Widget script:    ${config.publicUrl}/barecancel.js`,
      `  Data:             ${storage}`,
      "  Stop with Ctrl+C.",
      "",
    ];
    console.log(lines.filter((line) => line !== "").join("\n"));
  } catch (error) {
    await database.close();
    throw error;
  }
}

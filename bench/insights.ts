/**
 * Insights API latency for one account holding many events (default 1,000,000 of demo
 * data), 90-day range: p50 / p95 of `GET /api/accounts/:id/insights` and of the weekly
 * trend, in process through app.inject (routing, auth, queries, serialisation; no socket).
 * Targets: p50 under 100 ms on PGlite, under 50 ms on Postgres.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config.js";
import { type DatabaseHandle, openDatabase } from "../src/db/database.js";
import { seedDemoEvents } from "../src/db/demo-data.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { createAccountsRepository } from "../src/db/repositories/accounts.js";
import { createMembershipsRepository } from "../src/db/repositories/memberships.js";
import { createUsersRepository } from "../src/db/repositories/users.js";
import { createKeyring, newKey } from "../src/db/secrets/keyring.js";
import { buildApp } from "../src/server/app.js";
import { hashPassword } from "../src/server/auth/passwords.js";
import { createScratchPostgres } from "../test/helpers/scratch-postgres.js";
import { type BenchSettings, fmt, heading, note, quantile, table, verdict } from "./lib.js";

/** A throwaway key: the bench's databases live only as long as it runs. */
const secrets = createKeyring([newKey()]);

const REQUESTS = 40;
const PASSWORD = "bench password 123";

async function openEngine(engine: "pglite" | "postgres", serverUrl: string | null) {
  if (engine === "pglite") {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "ci-bench-insights-"));
    const database = await openDatabase({ dataDir });
    return { database, label: "PGlite on disk", drop: () => rm(dataDir, { recursive: true }) };
  }
  const scratch = await createScratchPostgres(serverUrl ?? "", "ci_bench");
  const database = await openDatabase({ databaseUrl: scratch.url });
  return { database, label: "Postgres", drop: scratch.drop };
}

async function measure(database: DatabaseHandle, events: number) {
  const { db } = database;
  await migrateToLatest(db);
  const { account } = await createAccountsRepository(db, { secrets }).create("Insights bench");
  const seedStart = performance.now();
  await seedDemoEvents(db, account.id, events, 1);
  const seedMs = performance.now() - seedStart;
  const user = await createUsersRepository(db).create(
    "bench@example.com",
    await hashPassword(PASSWORD),
  );
  if (!user) throw new Error("bench user exists");
  await createMembershipsRepository(db).add(account.id, user.id, "owner");

  const app = await buildApp({ config: loadConfig({}), database, secrets });
  try {
    const login = await app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: "bench@example.com", password: PASSWORD },
    });
    const cookie = String(login.headers["set-cookie"]).split(";")[0] ?? "";
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
    const base = `/api/accounts/${account.id}`;
    const urls = {
      insights: `${base}/insights?from=${from}&to=${to}`,
      trend: `${base}/insights/trend?from=${from}&to=${to}&interval=week`,
    };
    const timings: Record<keyof typeof urls, number[]> = { insights: [], trend: [] };
    let checked = 0;
    for (let i = 0; i < REQUESTS + 3; i++) {
      for (const [name, url] of Object.entries(urls) as Array<[keyof typeof urls, string]>) {
        const start = performance.now();
        const response = await app.inject({ url, headers: { cookie } });
        const ms = performance.now() - start;
        if (response.statusCode !== 200) throw new Error(`${url}: ${response.body}`);
        if (name === "insights") checked = response.json().current.cancellations;
        // The first rounds warm caches and JIT; they are not counted.
        if (i >= 3) timings[name].push(ms);
      }
    }
    const rollups = await db
      .selectFrom("event_rollups_daily")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("account_id", "=", account.id)
      .executeTakeFirstOrThrow();
    return { seedMs, timings, cancellations: checked, rollupRows: Number(rollups.n) };
  } finally {
    await app.close();
  }
}

export async function insightsSection(settings: BenchSettings): Promise<void> {
  const events = Number(process.env.BENCH_INSIGHTS_EVENTS ?? 1_000_000);
  heading(`Insights API: one account with ${fmt.int(events)} events, 90-day range`);
  const rows: Array<Array<string | number>> = [];
  for (const engine of settings.engines) {
    const { database, label, drop } = await openEngine(engine, settings.databaseUrl);
    try {
      const result = await measure(database, events);
      const target = engine === "pglite" ? 100 : 50;
      for (const [name, values] of Object.entries(result.timings)) {
        const p50 = quantile(values, 0.5);
        rows.push([
          label,
          name,
          fmt.ms(p50),
          fmt.ms(quantile(values, 0.95)),
          `p50 < ${target} ms: ${verdict(p50 < target)}`,
        ]);
      }
      note(
        `${label}: seeded in ${(result.seedMs / 1000).toFixed(1)} s; ${fmt.int(result.rollupRows)} rollup rows; ` +
          `${fmt.int(result.cancellations)} cancellations in the range`,
      );
    } finally {
      await database.close();
      await drop();
    }
  }
  table(["engine", "route", "p50", "p95", "target"], rows);
  note(`${REQUESTS} requests per route after 3 warm-up rounds, sequential, app.inject`);
}

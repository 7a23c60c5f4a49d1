/**
 * `npm run bench`: prints numbers, asserts nothing. Knobs (environment):
 *   BENCH_ONLY=size,ingest,click,insights,billing   sections to run (default all)
 *   BENCH_BILLING_CUSTOMERS=100000  customers (each with a subscription) in the Stripe backfill
 *   BENCH_BILLING_RATE=25          requests per second of the backfill's rate-limited run
 *   BENCH_INSIGHTS_EVENTS=1000000  events of the account in the insights bench
 *   BENCH_DURATION=10              seconds per autocannon round
 *   BENCH_CONNECTIONS=50           autocannon connections
 *   BENCH_ROUNDS=2                 measured rounds per server in the ingest bench (>= 2)
 *   DATABASE_URL=postgres://...    also bench ingest on Postgres (a database is created and dropped)
 *   BENCH_ENGINES=pglite,postgres  engines of the ingest and insights sections (Postgres needs DATABASE_URL)
 *   BENCH_INGEST_STRIPPED=1        one more ingest run on Postgres, events table stripped to its keys
 *   BENCH_PROFILE=1                CPU-profile the ingest server in one extra round, print a summary
 *   CHROMIUM_PATH=/path/to/chrome  browser for the click-to-modal bench
 */
import os from "node:os";
import { billingSection } from "./billing.js";
import { clickToModalSection } from "./click-to-modal.js";
import { ingestSection } from "./ingest.js";
import { insightsSection } from "./insights.js";
import { readSettings } from "./lib.js";
import { widgetSizeSection } from "./widget-size.js";

const settings = readSettings();
console.log(
  `Cancel Insights bench - node ${process.version}, ${os.cpus().length} CPUs ` +
    `(${os.cpus()[0]?.model ?? "?"}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, sections: ${[...settings.sections].join(", ")}`,
);

if (settings.sections.has("size")) await widgetSizeSection();
if (settings.sections.has("ingest")) await ingestSection(settings);
if (settings.sections.has("click")) await clickToModalSection();
if (settings.sections.has("insights")) await insightsSection(settings);
if (settings.sections.has("billing")) await billingSection(settings);
console.log("");

/**
 * The Stripe backfill of a big account, from the fake Stripe (test mode, generated
 * customers, each with a subscription), through the real sync into the database:
 *  - with the rate limiter on: wall time against the floor the limit sets (requests made ÷
 *    allowed rate); the ratio says how close to the limit the sync runs;
 *  - with it off: objects per second, the sync's own speed;
 *  - peak RSS of the syncing process at a tenth of the size and at the full size: bounded
 *    memory means the two are close.
 * Each run is a child process of its own with a fresh database; the fake runs here.
 */
import { startFakeStripe } from "../src/billing/stripe/fake/server.js";
import { changeQuantity } from "../src/billing/stripe/fake/subscription-changes.js";
import type { BackfillChildOptions, BackfillChildResult, WebhookTarget } from "./billing-child.js";
import { type BenchSettings, benchScript, fmt, heading, note, startChild, table } from "./lib.js";

const KEY = "rk_test_BenchBillingBackfill";
const UNLIMITED = 1_000_000;
const WEBHOOK_SECRET = "whsec_bench_billing";

async function backfillOnce(
  settings: BenchSettings,
  customers: number,
  rate: number,
): Promise<BackfillChildResult & { requests: number }> {
  const stripe = await startFakeStripe({ keys: [KEY], generatedCustomers: customers });
  try {
    const options: BackfillChildOptions = {
      apiBase: stripe.url,
      apiKey: KEY,
      rate,
      databaseUrl: settings.databaseUrl,
      webhookSecret: WEBHOOK_SECRET,
    };
    const child = await startChild<object>(benchScript("billing-child.ts"), { ...options });
    try {
      const result = await child.call<BackfillChildResult>("backfill");
      return { ...result, requests: stripe.requests.length };
    } finally {
      await child.stop();
    }
  } finally {
    await stripe.close();
  }
}

const WEBHOOK_CUSTOMERS = 2000;
const WEBHOOK_EVENTS = 1000;
const WEBHOOK_CONCURRENCY = 8;

/**
 * Webhook events processed per second, end to end: signed posts to the server's route (each
 * claimed and queued), the worker fetching each subscription again from the fake and applying
 * it. Each event is a seat change of its own subscription.
 */
async function webhooksPerSecond(
  settings: BenchSettings,
): Promise<{ perSecond: number; ms: number }> {
  const stripe = await startFakeStripe({ keys: [KEY], generatedCustomers: WEBHOOK_CUSTOMERS });
  try {
    const options: BackfillChildOptions = {
      apiBase: stripe.url,
      apiKey: KEY,
      rate: UNLIMITED,
      databaseUrl: settings.databaseUrl,
      webhookSecret: WEBHOOK_SECRET,
    };
    const child = await startChild<object>(benchScript("billing-child.ts"), { ...options });
    try {
      const target = await child.call<WebhookTarget>("serve");
      const events = Array.from({ length: WEBHOOK_EVENTS }, (_, i) => {
        const id = `sub_G${String(i % WEBHOOK_CUSTOMERS).padStart(7, "0")}`;
        stripe.test.change(id, changeQuantity(2 + (i % 5)));
        return stripe.test.events.page(
          { limit: 1, createdFrom: 0, createdTo: Number.MAX_SAFE_INTEGER, where: () => true },
          "/v1/events",
        ).data[0];
      });
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: WEBHOOK_CONCURRENCY }, async () => {
          while (next < events.length) {
            const event = events[next++];
            if (!event) continue;
            const status = await stripe.sendWebhook(target.url, WEBHOOK_SECRET, event);
            if (status !== 200) throw new Error(`webhook answered ${status}`);
          }
        }),
      );
      await child.call("processed", { count: WEBHOOK_EVENTS });
      const ms = performance.now() - started;
      return { perSecond: WEBHOOK_EVENTS / (ms / 1000), ms };
    } finally {
      await child.stop();
    }
  } finally {
    await stripe.close();
  }
}

export async function billingSection(settings: BenchSettings): Promise<void> {
  const full = settings.billingCustomers;
  const tenth = Math.max(1000, Math.round(full / 10));
  const rate = settings.billingRate;
  heading(
    `Stripe backfill: ${full.toLocaleString("en")} customers with a subscription each, fake Stripe, ${
      settings.databaseUrl ? "Postgres" : "PGlite on disk"
    }`,
  );
  const small = await backfillOnce(settings, tenth, UNLIMITED);
  const big = await backfillOnce(settings, full, UNLIMITED);
  const limited = await backfillOnce(settings, full, rate);
  const objects = (r: BackfillChildResult) => r.customers + r.subscriptions;
  const floorMs = (limited.requests / rate) * 1000;
  table(
    ["run", "objects", "requests", "wall", "objects/s", "peak RSS"],
    [
      [
        `${tenth} customers, limiter off`,
        objects(small),
        small.requests,
        fmt.ms(small.ms),
        Math.round(objects(small) / (small.ms / 1000)),
        `${Math.round(small.peakRssMb)} MiB`,
      ],
      [
        `${full} customers, limiter off`,
        objects(big),
        big.requests,
        fmt.ms(big.ms),
        Math.round(objects(big) / (big.ms / 1000)),
        `${Math.round(big.peakRssMb)} MiB`,
      ],
      [
        `${full} customers, ${rate} req/s`,
        objects(limited),
        limited.requests,
        fmt.ms(limited.ms),
        Math.round(objects(limited) / (limited.ms / 1000)),
        `${Math.round(limited.peakRssMb)} MiB`,
      ],
    ],
  );
  note(
    `rate-limit floor ${fmt.ms(floorMs)} (${limited.requests} requests ÷ ${rate}/s): wall ÷ floor = ${(limited.ms / floorMs).toFixed(2)}`,
  );
  const webhooks = await webhooksPerSecond(settings);
  note(
    `webhooks: ${WEBHOOK_EVENTS} events posted ${WEBHOOK_CONCURRENCY} at a time, each fetched again and applied by the worker: ${fmt.ms(webhooks.ms)}, ${Math.round(webhooks.perSecond)} events/s`,
  );
  note(
    `peak RSS ${Math.round(big.peakRssMb)} MiB at ${full} against ${Math.round(small.peakRssMb)} MiB at ${tenth}: ×${(big.peakRssMb / small.peakRssMb).toFixed(2)} for ×${(full / tenth).toFixed(0)} the objects`,
  );
}

import { type DemoSubject, seedDemoEvents } from "../db/demo-data.js";
import { createRepositories } from "../db/repositories/index.js";
import { runBackfill } from "../sync/backfill.js";
import { catchUp } from "../sync/catch-up.js";
import { connectBilling, disconnectBilling } from "../sync/connect.js";
import type { SyncDeps } from "../sync/deps.js";
import { addDemoRetention } from "./demo-retention.js";
import { DEMO_STRIPE_KEY, type DemoAnswered, startDemoStripe } from "./demo-stripe.js";

export interface CreatedDemo {
  accountId: string;
  accessTokenId: string;
}

const subjectsOf = (answered: DemoAnswered[]): DemoSubject[] =>
  answered.map((a) => ({ customerOid: a.customerId, subscriptionOid: a.subscriptionId, at: a.at }));

/**
 * A new demo account, marked as such: about `answers` past answers from the widget, and
 * the revenue behind them from the bundled fake Stripe through the real sync (backfill,
 * then the event catch-up for today's changes). The connection is closed afterwards, as
 * the fake lives only this long; what it brought stays, as after any disconnect. It also
 * has a retention offer and a win-back campaign to look at (src/demo/demo-retention.ts).
 */
export async function createDemoAccount(
  deps: SyncDeps,
  options: { answers: number; seed: number; nowMs?: number },
): Promise<CreatedDemo> {
  const repos = createRepositories(deps.db, { secrets: deps.secrets });
  const created = await repos.accounts.create("Demo SaaS", { demo: true });
  const accountId = created.account.id;
  await addDemoRetention(repos, accountId);
  // About half of the customers cancel after the widget asked; the rest stay or leave
  // another way.
  const demo = await startDemoStripe({
    customers: options.answers * 2,
    seed: options.seed,
    nowMs: options.nowMs ?? Date.now(),
  });
  try {
    await seedDemoEvents(deps.db, accountId, 0, options.seed, subjectsOf(demo.answered));
    const stripe = { ...deps.config.stripe, apiBase: demo.stripe.url };
    const syncDeps: SyncDeps = { ...deps, config: { stripe } };
    const connection = await connectBilling(syncDeps, accountId, {
      provider: "stripe",
      apiKey: DEMO_STRIPE_KEY,
    });
    await runBackfill(syncDeps, accountId, connection.id);
    // Today's: the widget's answers come first, the site's backend cancels right after.
    await seedDemoEvents(deps.db, accountId, 0, options.seed + 1, subjectsOf(demo.today()));
    await catchUp(syncDeps, accountId, connection.id);
    await disconnectBilling(syncDeps, accountId, connection.id);
  } finally {
    await demo.stripe.close();
  }
  return { accountId, accessTokenId: created.accessTokenId };
}

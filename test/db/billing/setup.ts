import { afterAll, beforeAll } from "vitest";
import type { DatabaseHandle } from "../../../src/db/database.js";
import type { BillingConnection } from "../../../src/db/repositories/billing-connections.js";
import type { SubscriptionSnapshot } from "../../../src/db/repositories/billing-subscriptions.js";
import { createRepositories, type Repositories } from "../../../src/db/repositories/index.js";
import { createTestDatabase } from "../../helpers/database.js";
import { testSecrets } from "../../helpers/secrets.js";

/** One migrated database for the test file, and its repositories. */
export function billingDatabase() {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(() => handle?.close());
  return {
    db: () => handle.db,
    repos: (): Repositories => createRepositories(handle.db, { secrets: testSecrets }),
  };
}

/** A new account with an active Stripe connection in `mode`. */
export async function connectedAccount(
  repos: Repositories,
  mode: "live" | "test" = "test",
): Promise<{ accountId: string; connection: BillingConnection }> {
  const { account } = await repos.accounts.create("Billing Co");
  const connection = await repos.billingConnections.create(account.id, {
    provider: "stripe",
    mode,
    apiKey: `rk_${mode}_${account.id}secretpart`,
    webhookSecret: `whsec_${account.id}`,
  });
  return { accountId: account.id, connection };
}

/** A monthly 10.00 USD subscription, active, fetched at `observed_at_ms`; `changes` on top. */
export function snapshot(
  connection: BillingConnection,
  changes: Partial<SubscriptionSnapshot> = {},
): SubscriptionSnapshot {
  return {
    connection_id: connection.id,
    account_id: connection.account_id,
    id: "sub_1",
    customer_id: "cus_1",
    test_mode: connection.mode === "test",
    status: "active",
    currency: "usd",
    mrr_amount: 1000,
    monthly_value: 1000,
    plan: "Pro",
    items: [{ priceId: "price_1", plan: "Pro", quantity: 1, interval: "month", intervalCount: 1 }],
    created: new Date("2026-01-01T00:00:00Z"),
    trial_end: null,
    current_period_end: new Date("2027-01-01T00:00:00Z"),
    cancel_at: null,
    canceled_at: null,
    ended_at: null,
    cancel_at_period_end: false,
    paused_collection: false,
    cancellation_details: { reason: null, feedback: null, comment: null },
    raw: { id: changes.id ?? "sub_1", object: "subscription" },
    observed_at_ms: 1_000,
    observed_source: "fetch",
    ...changes,
  };
}

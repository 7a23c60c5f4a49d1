import type { BillingProvider } from "../billing/provider.js";
import type { Repositories } from "../db/repositories/index.js";
import type { OfferFacts } from "../offers/eligibility.js";
import type { SyncDeps } from "../sync/deps.js";
import { providerForConnection } from "../sync/provider-for-connection.js";

export interface GatheredFacts {
  facts: OfferFacts;
  provider: BillingProvider | null;
  connectionId: string | null;
}

/**
 * What the eligibility rules need, from our records and the provider (never from the
 * browser): the customer's newest live-or-not subscription in the widget's mode, as the
 * provider has it now, and what the customer accepted before.
 */
export async function gatherOfferFacts(
  repos: Repositories,
  sync: SyncDeps,
  input: { accountId: string; customerId: string; testMode: boolean; verified: boolean },
): Promise<GatheredFacts> {
  const { accountId, customerId, testMode } = input;
  const [account, applied, inMode, otherMode] = await Promise.all([
    repos.accounts.find(accountId),
    repos.offerAcceptances.appliedForCustomer(accountId, customerId),
    repos.billingSubscriptions.listForCustomer(accountId, customerId, testMode),
    repos.billingSubscriptions.listForCustomer(accountId, customerId, !testMode),
  ]);
  const base = {
    verified: input.verified,
    testMode,
    applied,
    windowMonths: account?.offer_window_months ?? 12,
    now: new Date(),
  };
  const row = inMode.find((s) => s.ended_at === null) ?? inMode[0];
  if (!row) {
    // Found only in the other mode: a test customer on a live connection, or the reverse.
    const mismatch = otherMode[0] ? (testMode ? "live" : "test") : null;
    const facts = { ...base, connectionMode: mismatch, subscription: null } as const;
    return { facts, provider: null, connectionId: null };
  }
  const { connection, provider } = await providerForConnection(sync, accountId, row.connection_id);
  const subscription = await provider.subscription(row.id);
  return {
    facts: { ...base, connectionMode: connection.mode, subscription },
    provider,
    connectionId: connection.id,
  };
}

import type { BillingConnection } from "../db/repositories/billing-connections.js";
import { createRepositories } from "../db/repositories/index.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors.js";
import { backfillDedupeKey, billingBackfill } from "./backfill.js";
import { scheduleCatchUp } from "./catch-up.js";
import { reposOf, type SyncDeps } from "./deps.js";
import { providerForKey } from "./provider-for-connection.js";

export interface ConnectBilling {
  /** A registered provider kind's name (src/billing/providers.ts). */
  provider: string;
  apiKey: string;
  webhookSecret?: string | null;
}

/**
 * Checks the key against the provider of its kind (AppError `unknown_provider` for a name no
 * kind has; a cheap read, BillingError invalid_key / permission_denied otherwise), learns its
 * mode from it, stores the connection sealed, and enqueues its first backfill and its
 * periodic catch-up.
 */
export async function connectBilling(
  deps: SyncDeps,
  accountId: string,
  input: ConnectBilling,
): Promise<BillingConnection> {
  const provider = providerForKey(deps, input.provider, input.apiKey);
  // Reading the newest event needs the key to be valid and to read events, as the sync does.
  await provider.eventCursor();
  return inTransaction(deps.db, async (trx) => {
    const repos = createRepositories(trx, { secrets: deps.secrets });
    const connection = await repos.billingConnections.create(accountId, {
      provider: input.provider,
      mode: provider.mode,
      apiKey: input.apiKey,
      webhookSecret: input.webhookSecret ?? null,
    });
    const job = { accountId, dedupeKey: backfillDedupeKey(connection.id), rerunFinished: true };
    await billingBackfill.enqueue(trx, { connectionId: connection.id }, job);
    await scheduleCatchUp(trx, accountId, connection.id, {
      delayMs: deps.config.stripe.catchUpMinutes * 60_000,
    });
    return connection;
  });
}

/** Drops the key and secret, cancels a running sync; the history stays. */
export async function disconnectBilling(
  deps: SyncDeps,
  accountId: string,
  connectionId: string,
): Promise<void> {
  const disconnected = await reposOf(deps).billingConnections.disconnect(accountId, connectionId);
  if (!disconnected) throw new AppError("not_found", `No billing connection ${connectionId}.`);
}

import type { BillingConnection } from "../db/repositories/billing-connections.js";
import { createRepositories } from "../db/repositories/index.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors.js";
import { backfillDedupeKey, billingBackfill } from "./backfill.js";
import { scheduleCatchUp } from "./catch-up.js";
import { reposOf, type SyncDeps } from "./deps.js";
import { providerForKey } from "./provider-for-connection.js";

/**
 * Checks the key against the provider (a cheap read; BillingError invalid_key /
 * permission_denied otherwise), learns its mode from it, stores the connection sealed,
 * and enqueues its first backfill and its periodic catch-up.
 */
export async function connectStripe(
  deps: SyncDeps,
  accountId: string,
  input: { apiKey: string; webhookSecret?: string | null },
): Promise<BillingConnection> {
  const provider = providerForKey(deps, input.apiKey);
  // Reading the newest event needs the key to be valid and to read events, as the sync does.
  await provider.eventCursor();
  return inTransaction(deps.db, async (trx) => {
    const repos = createRepositories(trx, { secrets: deps.secrets });
    const connection = await repos.billingConnections.create(accountId, {
      provider: "stripe",
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

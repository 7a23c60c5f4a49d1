import type { BillingProvider } from "../billing/provider.js";
import { createStripeProvider } from "../billing/stripe/provider.js";
import type { BillingConnection } from "../db/repositories/billing-connections.js";
import { AppError } from "../errors.js";
import { reposOf, type SyncDeps } from "./deps.js";

/** A provider for a key not stored yet (connecting checks it first). */
export function providerForKey(deps: SyncDeps, apiKey: string): BillingProvider {
  return createStripeProvider({ apiKey, settings: deps.config.stripe, clock: deps.clock });
}

/**
 * The connection and a provider over its opened key, under the rate limit of its mode.
 * `not_found` when the account has no such active connection (unknown or disconnected).
 */
export async function providerForConnection(
  deps: SyncDeps,
  accountId: string,
  connectionId: string,
): Promise<{ connection: BillingConnection; provider: BillingProvider }> {
  const repos = reposOf(deps);
  const connection = await repos.billingConnections.get(accountId, connectionId);
  const apiKey =
    connection?.status === "active"
      ? await repos.billingConnections.openApiKey(accountId, connectionId)
      : undefined;
  if (!connection || apiKey === undefined) {
    throw new AppError("not_found", `No active billing connection ${connectionId}.`);
  }
  return { connection, provider: providerForKey(deps, apiKey) };
}

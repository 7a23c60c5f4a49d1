import type { BillingProvider } from "../billing/provider.js";
import { providerKind } from "../billing/providers.js";
import type { BillingConnection } from "../db/repositories/billing-connections.js";
import { AppError } from "../errors.js";
import { reposOf, type SyncDeps } from "./deps.js";

/**
 * A provider of the registered kind `name` for a key not stored yet (connecting checks it
 * first). AppError `unknown_provider` for a name no kind has.
 */
export function providerForKey(deps: SyncDeps, name: string, apiKey: string): BillingProvider {
  return providerKind(name).create({ apiKey, config: deps.config, clock: deps.clock });
}

interface Shared {
  kind: string;
  apiKey: string;
  clock: SyncDeps["clock"];
  provider: BillingProvider;
}

/**
 * One provider per connection in a process, for all its work (the backfill, each webhook's
 * fetch, the catch-up), so that its one rate limiter paces every request to that account: a
 * provider per job would let a burst of webhooks make a burst of requests. Kept per config
 * object (a worker's), renewed when the key changes, the oldest dropped past a bound.
 */
const shared = new WeakMap<SyncDeps["config"], Map<string, Shared>>();
const MAX_SHARED = 256;

function sharedProvider(
  deps: SyncDeps,
  connection: BillingConnection,
  apiKey: string,
): BillingProvider {
  let byConnection = shared.get(deps.config);
  if (!byConnection) {
    byConnection = new Map();
    shared.set(deps.config, byConnection);
  }
  const kind = connection.provider;
  const found = byConnection.get(connection.id);
  if (found && found.kind === kind && found.apiKey === apiKey && found.clock === deps.clock) {
    return found.provider;
  }
  const provider = providerForKey(deps, kind, apiKey);
  byConnection.delete(connection.id);
  byConnection.set(connection.id, { kind, apiKey, clock: deps.clock, provider });
  const oldest = byConnection.keys().next().value;
  if (byConnection.size > MAX_SHARED && oldest !== undefined) byConnection.delete(oldest);
  return provider;
}

/**
 * The connection and a provider of its kind over its opened key, under the rate limit of its
 * mode. `not_found` when the account has no such active connection (unknown or disconnected).
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
  return { connection, provider: sharedProvider(deps, connection, apiKey) };
}

import { BillingError } from "../billing/billing-error.js";
import type { Repositories } from "../db/repositories/index.js";
import { AppError } from "../errors.js";
import type { SyncDeps } from "../sync/deps.js";
import { providerForConnection } from "../sync/provider-for-connection.js";

/**
 * A price switch's price, asked of the account's active billing connections: it must exist at
 * one of them (a test-mode price lives only at the test connection, a live one at the live).
 * With no connection (or a provider without offers) there is no one to ask, and it is taken
 * as written; the accept fails cleanly later if the price is wrong.
 */
export async function checkSwitchPrice(
  repos: Repositories,
  sync: SyncDeps,
  accountId: string,
  priceId: string,
): Promise<void> {
  const connections = (await repos.billingConnections.listForAccount(accountId)).filter(
    (c) => c.status === "active",
  );
  let asked = false;
  for (const { id } of connections) {
    const { provider } = await providerForConnection(sync, accountId, id);
    if (!provider.offers) continue;
    asked = true;
    try {
      if ((await provider.offers.price(priceId)) !== null) return;
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      throw new AppError("billing_unavailable", undefined, {
        field: "params.price_id",
        cause: error,
      });
    }
  }
  if (asked) {
    throw new AppError("unknown_price", undefined, { field: "params.price_id" });
  }
}

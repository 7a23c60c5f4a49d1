import type { BillingEvent } from "../billing/provider.js";
import { providerKind } from "../billing/providers.js";
import { createRepositories } from "../db/repositories/index.js";
import { inTransaction } from "../db/transaction.js";
import { AppError } from "../errors.js";
import { billingEvent } from "./billing-event.js";
import { reposOf, type SyncDeps } from "./deps.js";
import { eventToProcess } from "./process-event.js";
import { providerForConnection } from "./provider-for-connection.js";

export interface ReceivedWebhook {
  eventId: string;
  /** False for an event taken in already (a retried delivery, or found by the catch-up). */
  queued: boolean;
}

/**
 * A provider's webhook for a connection of that provider: checked (signature and age, by the
 * provider), then claimed and its processing queued in one transaction, so the caller answers
 * at once and a duplicate queues nothing. `unknown_provider` for a provider name no kind has;
 * `not_found` for an unknown or disconnected connection, one of another provider, or one
 * with no webhook secret; BillingError `invalid_signature` / `timestamp_too_old`.
 */
export async function receiveWebhook(
  deps: SyncDeps,
  target: { provider: string; connectionId: string },
  request: { rawBody: Uint8Array | string; headers: Record<string, string | string[] | undefined> },
): Promise<ReceivedWebhook> {
  const kind = providerKind(target.provider);
  const { connectionId } = target;
  const found = await reposOf(deps).billingConnections.getForWebhook(connectionId);
  if (found?.connection.provider !== kind.name) {
    throw new AppError("not_found", "No billing connection takes webhooks here.");
  }
  const { connection } = found;
  const { provider } = await providerForConnection(deps, connection.account_id, connectionId);
  const event: BillingEvent = await provider.parseWebhook({
    ...request,
    secret: found.webhookSecret,
  });
  const queued = await inTransaction(deps.db, async (trx) => {
    const repos = createRepositories(trx, { secrets: deps.secrets });
    const claim = { id: event.id, type: event.providerType, created: event.created };
    if (
      !(await repos.providerEvents.claim(connectionId, connection.account_id, claim, "webhook"))
    ) {
      return false;
    }
    const { id, ...rest } = eventToProcess(event);
    await billingEvent.enqueue(
      trx,
      { ...rest, connectionId, eventId: id },
      {
        accountId: connection.account_id,
      },
    );
    return true;
  });
  return { eventId: event.id, queued };
}

import { createRepositories, type Repositories } from "../db/repositories/index.js";
import type { OfferAcceptance } from "../db/schema.js";
import { AppError } from "../errors.js";
import { defineJobKind, type JobKind } from "../jobs/job-kind.js";
import { toWebhookRetention } from "../presenters/retention.js";
import { providerForConnection } from "../sync/provider-for-connection.js";
import { decideSave, type SaveEvidence } from "./save-decision.js";

export interface SaveCheckPayload {
  accountId: string;
  acceptanceId: string;
}

/** How often a save past its window is asked about again while it is neither kept nor lost. */
export const SAVE_RECHECK_MS = 24 * 3600_000;

/**
 * Proves or disproves one applied offer once its window is over (src/offers/save-decision.ts),
 * one job per accept (its id is the dedupe key), due when the window ends. Asked again daily
 * while the provider's answer leaves it pending, or while the connection is gone. Safe with
 * several workers and repeats: the decision is written only over `pending`, and the
 * `retention.saved` webhook goes in the same transaction, so each save is announced once.
 */
export const offerSaveCheck: JobKind<SaveCheckPayload> = defineJobKind({
  kind: "offer.save-check",
  maxAttempts: 8,
  retry: { retryBaseMs: 60_000, maxDelayMs: 6 * 3600_000 },
  async run({ accountId, acceptanceId }, job) {
    const deps = job.services;
    const repos = createRepositories(deps.db, { secrets: deps.secrets });
    const acceptance = await repos.offerAcceptances.find(accountId, acceptanceId);
    if (acceptance?.save_status !== "pending" || acceptance.save_due_at === null) return undefined;
    const now = new Date(deps.now());
    const dueAt = new Date(acceptance.save_due_at);
    // Early (only a test or an operator makes it so): again at the window's end, or a day on.
    if (now < dueAt) {
      return { runAgainInMs: Math.min(dueAt.getTime() - now.getTime(), SAVE_RECHECK_MS) };
    }

    const evidence = await gatherEvidence(deps, acceptance, job.signal);
    if (!evidence) return { runAgainInMs: SAVE_RECHECK_MS };
    const decision = decideSave(dueAt, evidence, now, {
      discountDurations: deps.config.stripe.mrrDiscountDurations,
    });
    if (decision.status === "pending") return { runAgainInMs: SAVE_RECHECK_MS };
    await repos.transaction(async (tx) => {
      const decided = await tx.offerAcceptances.decideSave(accountId, acceptanceId, decision);
      if (decided?.save_status === "saved") {
        await tx.webhookDeliveries.enqueueRetention(
          accountId,
          "retention.saved",
          toWebhookRetention(decided),
        );
      }
    });
    return undefined;
  },
});

/** What the provider says now; null while the connection is gone (nothing to ask). */
async function gatherEvidence(
  deps: Parameters<typeof providerForConnection>[0],
  acceptance: OfferAcceptance,
  signal: AbortSignal,
): Promise<SaveEvidence | null> {
  const { account_id: accountId, connection_id: connectionId } = acceptance;
  const subscriptionId = acceptance.subscription_id;
  if (connectionId === null || subscriptionId === null) return null;
  let provider: Awaited<ReturnType<typeof providerForConnection>>["provider"];
  try {
    ({ provider } = await providerForConnection(deps, accountId, connectionId));
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
  if (!provider.offers) return null;
  const since = Math.floor(new Date(acceptance.created_at).getTime() / 1000);
  const [subscription, invoice] = await Promise.all([
    provider.subscription(subscriptionId, signal),
    provider.offers.firstChargedInvoiceSince(subscriptionId, since, signal),
  ]);
  return { subscription, invoice };
}

/**
 * After an offer was applied, in the transaction that recorded it: its save is checked when
 * the window ends, and `retention.accepted` goes to the account's endpoints.
 */
export async function announceAccepted(tx: Repositories, acceptance: OfferAcceptance) {
  if (acceptance.save_status === "pending" && acceptance.save_due_at !== null) {
    await offerSaveCheck.enqueue(
      tx.db,
      { accountId: acceptance.account_id, acceptanceId: acceptance.id },
      {
        accountId: acceptance.account_id,
        dedupeKey: acceptance.id,
        runAt: new Date(acceptance.save_due_at),
      },
    );
  }
  await tx.webhookDeliveries.enqueueRetention(
    acceptance.account_id,
    "retention.accepted",
    toWebhookRetention(acceptance),
  );
}

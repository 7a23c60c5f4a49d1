import { sql } from "kysely";
import type { Database } from "../database.js";
import type { ProviderEventSource } from "../schema.js";

/**
 * A claim not marked processed this long was lost with its worker (a crash between claim and
 * processing): the event may be claimed again, or it would never be processed.
 */
export const CLAIM_STALE_MS = 10 * 60_000;

export interface ClaimedEvent {
  id: string;
  type: string;
  /** Unix seconds, as the provider gives it. */
  created: number;
}

/**
 * The provider events taken in, so that each is processed once however often it arrives (a
 * webhook retried, the catch-up finding what a webhook brought). Claim, process, then mark
 * processed; a failed processing releases its claim for a retry.
 */
export function createProviderEventsRepository(db: Database) {
  const ofEvent = (connectionId: string, eventId: string) =>
    db
      .updateTable("provider_events")
      .where("connection_id", "=", connectionId)
      .where("id", "=", eventId);

  return {
    /**
     * True for the one caller that gets to process the event: the first, or the first after
     * a claim left unprocessed for `staleAfterMs`. False while it is claimed or processed.
     */
    async claim(
      connectionId: string,
      accountId: string,
      event: ClaimedEvent,
      source: ProviderEventSource,
      staleAfterMs = CLAIM_STALE_MS,
    ): Promise<boolean> {
      const claimed = await sql`
        insert into provider_events (connection_id, id, account_id, type, created, source)
        values (${connectionId}, ${event.id}, ${accountId}, ${event.type},
          to_timestamp(${event.created}::double precision), ${source})
        on conflict (connection_id, id) do update set claimed_at = now(), source = excluded.source
          where provider_events.processed_at is null
            and provider_events.claimed_at <= now() - ${staleAfterMs}::integer * interval '1 millisecond'
        returning id`.execute(db);
      return claimed.rows.length === 1;
    },

    async markProcessed(connectionId: string, eventId: string): Promise<void> {
      await ofEvent(connectionId, eventId).set({ processed_at: sql<Date>`now()` }).execute();
    },

    /** Gives up a claim whose processing failed, so a retry can claim it; a processed one stays. */
    async release(connectionId: string, eventId: string): Promise<void> {
      await db
        .deleteFrom("provider_events")
        .where("connection_id", "=", connectionId)
        .where("id", "=", eventId)
        .where("processed_at", "is", null)
        .execute();
    },

    /**
     * Deletes up to `limit` events received more than `days` ago; returns how many. Keep them
     * longer than the provider retries webhooks and keeps events (Stripe: 3 and 30 days), or a
     * late copy would be processed again. Call again while it returns `limit`.
     */
    async prune(days: number, limit = 5000): Promise<number> {
      const result = await sql`
        delete from provider_events where (connection_id, id) in (
          select connection_id, id from provider_events
          where received_at < now() - ${days}::integer * interval '1 day'
          limit ${limit}
        )`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
  };
}

export type ProviderEventsRepository = ReturnType<typeof createProviderEventsRepository>;

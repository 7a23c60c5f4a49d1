import { sql } from "kysely";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { randomToken } from "../ids.js";
import type {
  RetentionSnapshot,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from "../schema.js";
import type { Keyring } from "../secrets/keyring.js";
import { openSigningSecrets } from "./webhook-endpoints.js";

/** A delivery a worker holds, with what it needs of its endpoint to send it. */
export type ClaimedDelivery = WebhookDelivery &
  Pick<
    WebhookEndpoint,
    "url" | "kind" | "secret" | "previous_secret" | "previous_secret_expires_at"
  > & {
    /**
     * Why the endpoint's signing secrets could not be opened (a key missing from this
     * process's keyring, say); then they are empty and the attempt fails with this error
     * instead of going out unsigned. Null when they opened.
     */
    secret_error: string | null;
  };

export interface AttemptOutcome {
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  /** What becomes of the delivery. */
  next: { status: "delivered" } | { status: "failed" } | { status: "pending"; delayMs: number };
}

export type DeliveryWithAttempts = WebhookDelivery & { attempt_log: WebhookAttempt[] };

/** Deliveries a worker may send: pending, to an enabled endpoint (`d` and `e`). */
const DELIVERABLE = sql`webhook_deliveries d
  join webhook_endpoints e on e.account_id = d.account_id and e.id = d.endpoint_id
  where d.status = 'pending' and e.enabled`;

/** A time `ms` from now, by the database's clock. */
function msFromNow(ms: number) {
  return sql`now() + ${ms}::integer * interval '1 millisecond'`;
}

/** A claimed row with its endpoint's secrets opened, or the reason they would not open. */
function withSecrets(
  secrets: Keyring,
  row: Omit<ClaimedDelivery, "secret_error">,
): ClaimedDelivery {
  // The delivery's own id is not the endpoint's, which its secrets are bound to.
  const endpoint = { ...row, id: row.endpoint_id };
  try {
    return { ...row, ...openSigningSecrets(secrets, endpoint), secret_error: null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { ...row, secret: "", previous_secret: null, secret_error: error.message };
  }
}

export function createWebhookDeliveriesRepository(db: Database, { secrets }: { secrets: Keyring }) {
  return {
    /**
     * Takes up to `limit` due deliveries for one worker. SKIP LOCKED lets workers in any
     * number of processes claim side by side without waiting on or repeating each other;
     * the claim pushes `next_attempt_at` past the lease, so a worker that dies holding
     * deliveries only delays them. Counting the attempt here, not after it, means a
     * delivery that kills its worker still runs out of attempts.
     */
    async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
      const token = randomToken();
      const lease = msFromNow(leaseMs);
      const result = await sql<Omit<ClaimedDelivery, "secret_error">>`
        with due as (
          select d.account_id, d.id, e.url, e.kind, e.secret, e.previous_secret,
                 e.previous_secret_expires_at
          from ${DELIVERABLE} and d.next_attempt_at <= now()
          order by d.next_attempt_at
          limit ${limit}
          for update of d skip locked
        )
        update webhook_deliveries d
        set attempts = d.attempts + 1, locked_until = ${lease}, next_attempt_at = ${lease},
            lease_token = ${token}, updated_at = now()
        from due
        where d.account_id = due.account_id and d.id = due.id
        returning d.*, due.url, due.kind, due.secret, due.previous_secret,
                  due.previous_secret_expires_at`.execute(db);
      return result.rows.map((row) => withSecrets(secrets, row));
    },

    /**
     * Milliseconds until the next delivery that `claimDue` could take is due (0 if one is
     * now), or null when none is pending. Measured by the database's clock, as claims are.
     */
    async nextDueInMs(): Promise<number | null> {
      const result = await sql<{ ms: number }>`
        select greatest(0, extract(epoch from d.next_attempt_at - now()) * 1000)::float8 as ms
        from ${DELIVERABLE}
        order by d.next_attempt_at
        limit 1`.execute(db);
      return result.rows[0]?.ms ?? null;
    },

    /**
     * Logs the attempt and settles the delivery, unless the worker's lease was lost (it ran
     * past it and another worker holds the delivery now): then only the log is written.
     */
    async complete(claimed: ClaimedDelivery, outcome: AttemptOutcome): Promise<void> {
      const { next } = outcome;
      const nextAttempt =
        next.status === "pending" ? msFromNow(next.delayMs) : sql`next_attempt_at`;
      await sql`
        with attempt as (
          insert into webhook_attempts
            (account_id, delivery_id, attempted_at, duration_ms, status_code, error, response_body)
          select account_id, id, ${outcome.attemptedAt}, ${outcome.durationMs},
                 ${outcome.statusCode}, ${outcome.error}, ${outcome.responseBody}
          from webhook_deliveries
          -- Gone when its endpoint was deleted while the attempt was in flight.
          where account_id = ${claimed.account_id} and id = ${claimed.id}
        )
        update webhook_deliveries
        set status = ${next.status}, next_attempt_at = ${nextAttempt}, locked_until = null,
            lease_token = null, last_status_code = ${outcome.statusCode},
            last_error = ${outcome.error}, updated_at = now(),
            delivered_at = ${next.status === "delivered" ? sql`now()` : sql`delivered_at`}
        where account_id = ${claimed.account_id} and id = ${claimed.id}
          and lease_token = ${claimed.lease_token}`.execute(db);
    },

    /**
     * Deletes up to `limit` delivered or failed deliveries (their attempts go with them)
     * last touched before `before`; returns how many. Pending ones stay whatever their age.
     * Bounded, so one prune never holds locks for long: call again while it returns `limit`.
     */
    async pruneSettled(before: Date, limit: number): Promise<number> {
      const result = await sql`
        delete from webhook_deliveries
        where (account_id, id) in (
          select account_id, id from webhook_deliveries
          where status <> 'pending' and updated_at < ${before}
          limit ${limit}
        )`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /**
     * `cancellation.updated` for answers whose row changed outside the triggers' columns (the
     * billing sync filling their MRR): the same deliveries, to the same endpoints, with the
     * row as it is now, that migration 0008's trigger makes for a changed reason or comment.
     */
    async enqueueUpdated(accountId: string, eventIds: readonly string[]): Promise<number> {
      if (eventIds.length === 0) return 0;
      const result = await sql`
        insert into webhook_deliveries (account_id, endpoint_id, event_type, event_id, event)
        select n.account_id, e.id, 'cancellation.updated', n.id, to_jsonb(n)
        from events n
        join webhook_endpoints e on e.account_id = n.account_id
        where n.account_id = ${accountId} and n.id = any(${[...eventIds]}::text[])
          and e.enabled and 'cancellation.updated' = any(e.event_types)
          and n.kind in ('answer', 'skip') and (e.include_test or not n.test_mode)`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /**
     * A `retention.*` delivery to each enabled endpoint subscribed to `type` (test-mode ones
     * only to endpoints that take test data), carrying `snapshot` as it is now. Called in
     * the transaction that records the accept or the decision, so none is lost or doubled.
     */
    async enqueueRetention(
      accountId: string,
      type: "retention.accepted" | "retention.saved",
      snapshot: RetentionSnapshot,
    ): Promise<number> {
      const result = await sql`
        insert into webhook_deliveries (account_id, endpoint_id, event_type, event_id, event)
        select e.account_id, e.id, ${type}, ${snapshot.acceptance_id}, ${JSON.stringify(snapshot)}::jsonb
        from webhook_endpoints e
        where e.account_id = ${accountId} and e.enabled and ${type} = any(e.event_types)
          and (e.include_test or not ${snapshot.test_mode})`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /** A test delivery to one endpoint, due now. */
    enqueuePing(accountId: string, endpointId: string): Promise<WebhookDelivery> {
      return db
        .insertInto("webhook_deliveries")
        .values({ account_id: accountId, endpoint_id: endpointId, event_type: "ping" })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /**
     * Sends a delivery again, with its id and body unchanged and a fresh set of attempts;
     * undefined while a worker is sending it (or when there is no such delivery).
     */
    redeliver(accountId: string, id: string): Promise<WebhookDelivery | undefined> {
      return db
        .updateTable("webhook_deliveries")
        .set({
          status: "pending",
          attempts: 0,
          next_attempt_at: sql<Date>`now()`,
          updated_at: sql<Date>`now()`,
        })
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .where((eb) =>
          eb.or([eb("locked_until", "is", null), eb("locked_until", "<", sql<Date>`now()`)]),
        )
        .returningAll()
        .executeTakeFirst();
    },

    find(accountId: string, id: string): Promise<WebhookDelivery | undefined> {
      return db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
    },

    /** The delivery log, newest first, each with its attempts (oldest first). */
    async list(
      accountId: string,
      options: { endpointId?: string; before?: { created_at: Date; id: string }; limit: number },
    ): Promise<DeliveryWithAttempts[]> {
      let query = db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("account_id", "=", accountId);
      if (options.endpointId) query = query.where("endpoint_id", "=", options.endpointId);
      const { before } = options;
      if (before) {
        query = query.where((eb) =>
          eb.or([
            eb("created_at", "<", before.created_at),
            eb.and([eb("created_at", "=", before.created_at), eb("id", "<", before.id)]),
          ]),
        );
      }
      const deliveries = await query
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(options.limit)
        .execute();
      if (deliveries.length === 0) return [];
      const attempts = await db
        .selectFrom("webhook_attempts")
        .selectAll()
        .where("account_id", "=", accountId)
        .where(
          "delivery_id",
          "in",
          deliveries.map((d) => d.id),
        )
        .orderBy("id")
        .execute();
      return deliveries.map((d) => ({
        ...d,
        attempt_log: attempts.filter((a) => a.delivery_id === d.id),
      }));
    },
  };
}

export type WebhookDeliveriesRepository = ReturnType<typeof createWebhookDeliveriesRepository>;

import { expect } from "vitest";
import type { Database } from "../../src/db/database.js";
import { waitFor } from "../helpers/browser.js";
import type { Received } from "./receiver.js";

/** A delivery as the database logs it: its state and the status code of each attempt. */
export interface LoggedDelivery {
  id: string;
  status: string;
  attempts: number;
  /** Oldest first; null when the receiver gave no answer (refused, cut, timed out). */
  attemptStatuses: (number | null)[];
  /** Why each attempt without an answer had none, oldest first. */
  attemptErrors: string[];
}

const isOk = (status: number | null | undefined) => !!status && status >= 200 && status < 300;

async function loggedDeliveries(db: Database, accountId: string): Promise<LoggedDelivery[]> {
  const [deliveries, attempts] = await Promise.all([
    db
      .selectFrom("webhook_deliveries")
      .select(["id", "status", "attempts"])
      .where("account_id", "=", accountId)
      .orderBy("created_at")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("webhook_attempts")
      .select(["delivery_id", "status_code", "error"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute(),
  ]);
  return deliveries.map((d) => {
    const own = attempts.filter((a) => a.delivery_id === d.id);
    return {
      ...d,
      attemptStatuses: own.map((a) => a.status_code),
      attemptErrors: own.flatMap((a) => (a.error === null ? [] : [a.error])),
    };
  });
}

/**
 * The account's `count` deliveries at rest: none pending (due, or waiting for a retry) and
 * none in flight, i.e. each attempt a worker counted when it claimed the delivery is in the
 * attempt log. (A redelivery starts the count again, so the log may hold more.)
 */
export function queueAtRest(
  db: Database,
  accountId: string,
  count: number,
  timeoutMs?: number,
): Promise<LoggedDelivery[]> {
  return waitFor(
    async () => {
      const all = await loggedDeliveries(db, accountId);
      const resting = all.every(
        (d) => d.status !== "pending" && d.attempts <= d.attemptStatuses.length,
      );
      return all.length === count && resting ? all : null;
    },
    `${count} deliveries at rest`,
    timeoutMs,
  );
}

/**
 * Waits for the `count` deliveries to come to rest, then queues a marker (a ping, an event)
 * and waits for it to rest too. A delivery sent again that the database knows of (queued
 * once more) keeps the queue from resting until it has gone out; one it does not know of
 * (a worker sending twice) has gone out by the time the marker has, if the same worker
 * sent both: a worker ends its round before it claims more. Returns the log, marker last.
 */
export async function drainedPastMarker(
  db: Database,
  accountId: string,
  count: number,
  queueMarker: () => Promise<unknown>,
  timeoutMs?: number,
): Promise<LoggedDelivery[]> {
  await queueAtRest(db, accountId, count, timeoutMs);
  await queueMarker();
  return queueAtRest(db, accountId, count + 1, timeoutMs);
}

export const deliveryIdOf = (r: Received) => r.headers["cancel-insights-delivery"] as string;

/**
 * Exactly once, by both logs: the receiver answered each delivery's requests exactly as the
 * database logged its attempts (a request sent twice shows up twice at the receiver, once in
 * the log), the log has one 2xx, its last attempt, and the receiver saw no delivery the
 * database does not know. Requests cut before an answer are left out on both sides. (An
 * attempt the worker gave up waiting on, but the receiver answered, would count here as a
 * duplicate: at least once allows it, so tests give receivers long to answer.)
 */
export function expectDeliveredOnce(received: Received[], deliveries: LoggedDelivery[]): void {
  const ids = new Set(deliveries.map((d) => d.id));
  expect(received.map(deliveryIdOf).filter((id) => !ids.has(id))).toEqual([]);
  const seen = deliveries.map((d) => ({
    id: d.id,
    status: d.status,
    receiverAnswered: received
      .filter((r) => deliveryIdOf(r) === d.id && r.status !== 0)
      .map((r) => r.status),
    loggedAnswers: d.attemptStatuses.filter((status) => status !== null),
    // Shown, not checked: a failing comparison then says what became of the other attempts.
    loggedErrors: d.attemptErrors,
    loggedOk: d.attemptStatuses.filter(isOk).length,
    lastLoggedOk: isOk(d.attemptStatuses.at(-1)),
  }));
  const once = seen.map((d) => ({
    ...d,
    status: "delivered",
    receiverAnswered: d.loggedAnswers,
    loggedOk: 1,
    lastLoggedOk: true,
  }));
  expect(seen).toEqual(once);
}

import type { EventsRepository, IngestEvent } from "../db/repositories/events.js";
import type { EventRow } from "../db/schema.js";

export interface RecordedEvent {
  event: EventRow;
  /** False when the idempotency key was seen before and `event` is the first one stored. */
  created: boolean;
}

interface Pending {
  row: IngestEvent;
  resolve: (result: RecordedEvent) => void;
  reject: (error: unknown) => void;
}

export interface EventWriterOptions {
  maxBatch?: number;
  maxConcurrentFlushes?: number;
  /**
   * Runs once per batch with the events stored now, after the insert: the billing sync
   * links the answers to the cancellations they explain (src/sync/link-answer.ts).
   */
  afterInsert?: (events: EventRow[]) => Promise<void>;
}

/** Events with the same key are one answer; events without a key are never merged. */
function keyOf(row: Pick<EventRow, "id" | "account_id" | "idempotency_key">): string {
  return row.idempotency_key === null || row.idempotency_key === undefined
    ? `\u0001${row.id}`
    : `${row.account_id}\u0000${row.idempotency_key}`;
}

/**
 * Group commit for ingest: events that arrive in the same turn of the event loop, or while
 * a write is in flight, go to the database together in one multi-row INSERT. An idle server
 * writes each event alone with no timer to wait for; a busy one spreads the round trip and
 * the commit (the expensive, durable part) over many. Every promise resolves only after its
 * event is committed.
 */
export function createEventWriter(events: EventsRepository, options: EventWriterOptions = {}) {
  const maxBatch = options.maxBatch ?? 500;
  // One write in flight: whatever arrives meanwhile waits for the next, so batches grow with
  // load and each event costs less CPU here and in the database (measured: about a third
  // less than with two in flight). 500 rows per write leave room for far more than one
  // process receives.
  const maxConcurrent = options.maxConcurrentFlushes ?? 1;
  const queue: Pending[] = [];
  // Accounts known to have their install check; saves a round trip per batch.
  const verifiedAccounts = new Set<string>();
  let flushing = 0;
  let scheduled = false;
  const idle: Array<() => void> = [];

  // No transaction: the INSERT is atomic by itself and the install-check claim is one
  // statement of its own, so the common path costs one round trip, not three.
  async function writeBatch(batch: Pending[]): Promise<RecordedEvent[]> {
    const firstByKey = new Map<string, Pending>();
    for (const p of batch) if (!firstByKey.has(keyOf(p.row))) firstByKey.set(keyOf(p.row), p);
    const unique = [...firstByKey.values()];

    const insertedIds = await events.insertNew(unique.map((p) => p.row));
    const inserted: EventRow[] = [];
    const stored = new Map<string, RecordedEvent>();
    for (const p of unique) {
      if (!insertedIds.has(p.row.id)) continue;
      const row: EventRow = { ...p.row, install_check: false };
      inserted.push(row);
      stored.set(keyOf(row), { event: row, created: true });
    }

    const missing = unique.filter((p) => !stored.has(keyOf(p.row)));
    if (missing.length > 0) {
      const existing = await events.findByIdempotencyKeys(
        [...new Set(missing.map((p) => p.row.account_id))],
        missing.map((p) => p.row.idempotency_key as string),
      );
      for (const row of existing) stored.set(keyOf(row), { event: row, created: false });
    }

    for (const row of inserted) {
      // An answer from the reason email's form proves nothing of the embed.
      if (row.test_mode || row.source === "email" || verifiedAccounts.has(row.account_id)) {
        continue;
      }
      if (await events.claimInstallCheck(row.account_id, row.id)) row.install_check = true;
      verifiedAccounts.add(row.account_id);
    }
    if (options.afterInsert && inserted.length > 0) await options.afterInsert(inserted);

    return batch.map((p) => {
      const result = stored.get(keyOf(p.row));
      if (!result) throw new Error(`event ${p.row.id} was neither stored nor found`);
      // A later duplicate inside the same batch replays the first one.
      return p === firstByKey.get(keyOf(p.row)) ? result : { event: result.event, created: false };
    });
  }

  async function flush(batch: Pending[]): Promise<void> {
    try {
      const results = await writeBatch(batch);
      for (const [i, p] of batch.entries()) p.resolve(results[i] as RecordedEvent);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One bad row must not fail its neighbours: retry each alone.
      await Promise.all(batch.map((p) => flush([p])));
    }
  }

  function pump(): void {
    scheduled = false;
    while (flushing < maxConcurrent && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      flushing++;
      void flush(batch).finally(() => {
        flushing--;
        if (queue.length > 0) pump();
        else if (flushing === 0) for (const done of idle.splice(0)) done();
      });
    }
  }

  return {
    record(row: Omit<IngestEvent, "created_at"> & { created_at?: Date }): Promise<RecordedEvent> {
      return new Promise((resolve, reject) => {
        queue.push({ row: { ...row, created_at: row.created_at ?? new Date() }, resolve, reject });
        // Wait one turn of the event loop so that requests parsed in the same turn share
        // the write (PGlite, which never yields mid-query, would otherwise write one by one).
        if (!scheduled) {
          scheduled = true;
          setImmediate(pump);
        }
      });
    },

    /** Resolves once everything queued so far is committed (for shutdown). */
    drain(): Promise<void> {
      if (flushing === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}

export type EventWriter = ReturnType<typeof createEventWriter>;

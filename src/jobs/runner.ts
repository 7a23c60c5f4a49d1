import type { DatabaseHandle } from "../db/database.js";
import type { NotificationSubscriber, Unlisten } from "../db/notifications.js";
import {
  type ClaimedWork,
  type Lease,
  LeaseLost,
  type WorkerLogger,
  WorkerStopping,
  type WorkQueue,
} from "./work-queue.js";

/*
 * One worker for all background work. Webhook deliveries and jobs are different tables
 * (deliveries are the dashboard's delivery log, written by triggers in the very statement
 * that stores an event; jobs are any kind of work, enqueued by code), so rather than
 * copying deliveries into jobs, each table plugs in as a `WorkQueue` that knows its own
 * SQL: claim, next due, settle. Everything else is here, once: the loop, when to claim and
 * how much, the lease clock and heartbeats, wake-up by LISTEN/NOTIFY with polling as the
 * safety net, graceful stop, and pruning; retry backoff is `backoff.ts`, used by both.
 */

export interface RunnerOptions {
  database: Pick<DatabaseHandle, "listen">;
  queues: readonly WorkQueue[];
  /** How often an idle worker looks for due work while it cannot hear of new work. */
  pollMs: number;
  /** The same while it hears of new work at once: polling is only the safety net then. */
  notifiedPollMs: number;
  log: WorkerLogger;
}

const PRUNE_EVERY_MS = 3600_000;
/**
 * The shortest sleep until a retry: work due already but not claimed is being claimed by
 * another worker or locked by someone else, and asking again at once would spin.
 */
const MIN_RETRY_SLEEP_MS = 100;

/**
 * Drains its queues: claims due work (any number of workers, in any number of processes,
 * may run side by side), runs each piece as soon as the queue has room for it, and sleeps
 * until new work is announced, the next piece is due, or the next poll.
 */
export function createRunner(options: RunnerOptions) {
  const { queues, log } = options;
  const inFlight = new Map<WorkQueue, Set<Promise<void>>>(queues.map((q) => [q, new Set()]));
  const stop = new AbortController();
  let running: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  // Per channel, null until the database first says whether notifications flow.
  const hearing = new Map<string, boolean | null>();
  let prunedAt = 0;

  const listening = () => [...hearing.values()].every((on) => on === true);

  function wake(): void {
    if (wakeUp) wakeUp();
    else woken = true;
  }

  function idle(ms: number): Promise<void> {
    if (woken) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  }

  /**
   * The runner's side of a claim: the clock of its lease, which `extend` resets. Each term
   * counts from before the query that began it (`askedAt`, a `performance.now()`), so it
   * ends here no later than in the database.
   */
  function leaseOf(queue: WorkQueue, work: ClaimedWork, askedAt: number): Lease & { end(): void } {
    const controller = new AbortController();
    const onStop = () => controller.abort(new WorkerStopping());
    stop.signal.addEventListener("abort", onStop);
    let timer: NodeJS.Timeout | undefined;
    const termFrom = (asked: number) => {
      clearTimeout(timer);
      const left = queue.leaseMs - (performance.now() - asked);
      timer = setTimeout(() => controller.abort(new LeaseLost()), left);
    };
    termFrom(askedAt);
    return {
      signal: controller.signal,
      async extend() {
        if (controller.signal.reason instanceof LeaseLost) throw controller.signal.reason;
        const asked = performance.now();
        if (!(await work.extendLease?.(queue.leaseMs))) {
          const lost = new LeaseLost();
          controller.abort(lost);
          throw lost;
        }
        termFrom(asked);
      },
      end() {
        clearTimeout(timer);
        stop.signal.removeEventListener("abort", onStop);
      },
    };
  }

  function start(queue: WorkQueue, work: ClaimedWork, askedAt: number): void {
    const lease = leaseOf(queue, work, askedAt);
    const done = work
      .run(lease)
      .catch((error) => log.error({ err: error, queue: queue.name }, "work failed unsettled"))
      .finally(() => {
        lease.end();
        inFlight.get(queue)?.delete(done);
        // Room for more: claim it now rather than at the next poll.
        wake();
      });
    inFlight.get(queue)?.add(done);
  }

  /** Claims what each queue has room for and starts it; says how much, and how long to sleep. */
  async function round(): Promise<{ started: number; sleepMs: number }> {
    let sleepMs = listening() ? options.notifiedPollMs : options.pollMs;
    let started = 0;
    for (const queue of queues) {
      const room = queue.concurrency - (inFlight.get(queue)?.size ?? 0);
      if (room <= 0) continue;
      const askedAt = performance.now();
      const claimed = await queue.claim(room, queue.leaseMs);
      for (const work of claimed) start(queue, work, askedAt);
      started += claimed.length;
      // Full, so more may be due: the next piece to finish wakes the loop to claim it.
      if (claimed.length === room) continue;
      const dueInMs = await queue.nextDueInMs();
      if (dueInMs !== null) {
        sleepMs = Math.min(sleepMs, Math.max(MIN_RETRY_SLEEP_MS, Math.ceil(dueInMs)));
      }
    }
    return { started, sleepMs };
  }

  const settled = () => Promise.all(queues.flatMap((q) => [...(inFlight.get(q) ?? [])]));

  /** Every worker prunes now and then; two doing it at once delete disjoint rows or none. */
  async function pruneNowAndThen(): Promise<void> {
    if (Date.now() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = Date.now();
    for (const queue of queues) {
      const pruned = await queue.prune(stop.signal);
      if (pruned > 0) log.info({ queue: queue.name, pruned }, "old finished work pruned");
    }
  }

  function subscriberFor(channel: string): NotificationSubscriber {
    hearing.set(channel, null);
    return {
      notified: wake,
      listening(on, error) {
        const before = hearing.get(channel);
        hearing.set(channel, on);
        // Said only once it comes back after a loss: at start it would be noise above the
        // server's banner.
        if (on && before === false) {
          log.info({ channel, pollMs: options.notifiedPollMs }, "worker hears of new work again");
        }
        if (!on) {
          log.error(
            { err: error, channel, pollMs: options.pollMs },
            "worker cannot hear of new work: polling for it until it can again",
          );
        }
      },
    };
  }

  async function subscribe(): Promise<Unlisten[]> {
    const channels = [...new Set(queues.map((q) => q.channel))];
    return Promise.all(
      channels.map(async (channel) => {
        const subscriber = subscriberFor(channel);
        try {
          return await options.database.listen(channel, subscriber);
        } catch (error) {
          subscriber.listening(false, error as Error);
          return async () => {};
        }
      }),
    );
  }

  async function loop(): Promise<void> {
    // Before the first round: whatever is queued after it is heard of.
    const unlisten = await subscribe();
    while (!stop.signal.aborted) {
      // After a failed round, the short interval: queries may fail while notifications flow.
      let sleepMs = options.pollMs;
      try {
        ({ sleepMs } = await round());
        await pruneNowAndThen();
      } catch (error) {
        log.error({ err: error }, "worker round failed");
      }
      if (!stop.signal.aborted) await idle(sleepMs);
    }
    await settled();
    for (const off of unlisten) {
      await off().catch((error) => log.error({ err: error }, "worker unlisten failed"));
    }
  }

  return {
    /** One round without the loop: claims what is due, runs it all; returns how much ran. */
    async runOnce(): Promise<number> {
      const { started } = await round();
      await settled();
      return started;
    },

    start(): void {
      running ??= loop();
    },

    /**
     * Stops claiming; work in hand is told to stop (its signal aborts with `WorkerStopping`)
     * and is waited for: short work finishes, long work hands itself back. Then it stops
     * listening.
     */
    async stop(): Promise<void> {
      stop.abort();
      wakeUp?.();
      await running;
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;

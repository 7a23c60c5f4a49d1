import pg from "pg";
import type { NotificationSubscriber, Unlisten } from "./notifications.js";

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;
/** How the connection shows in pg_stat_activity. */
export const LISTEN_APPLICATION_NAME = "cancel-insights-listen";

/**
 * LISTEN on a Postgres connection of its own: notifications reach only the connection that
 * listens, so a pooled one would be held by it forever. The connection opens with the first
 * subscriber and closes with the last. When it is lost (a restart, a failover, a killed
 * backend) it is opened again with backoff, and subscribers hear that notifications stopped
 * and, once they flow again, one notification for whatever was missed meanwhile.
 */
export function createPgListener(url: string) {
  const subscribers = new Map<string, Set<NotificationSubscriber>>();
  let client: pg.Client | null = null;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;
  let steps: Promise<void> = Promise.resolve();

  /** Opening, LISTEN, UNLISTEN and closing one after another, never interleaved. */
  function serially(step: () => Promise<void>): Promise<void> {
    const done = steps.then(step);
    steps = done.catch(() => {});
    return done;
  }

  const everyone = () => [...subscribers.values()].flatMap((set) => [...set]);

  function retryLater(error: Error): void {
    for (const subscriber of everyone()) subscriber.listening(false, error);
    if (closed || retry || subscribers.size === 0) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures++);
    retry = setTimeout(() => {
      retry = null;
      void serially(connect);
    }, delay);
    // The connection, while open, keeps the process alive; a pending retry need not.
    retry.unref();
  }

  function lost(from: pg.Client, error: Error): void {
    if (client !== from) return;
    client = null;
    from.end().catch(() => {});
    retryLater(error);
  }

  async function connect(): Promise<void> {
    if (closed || client || subscribers.size === 0) return;
    const next = new pg.Client({
      connectionString: url,
      application_name: LISTEN_APPLICATION_NAME,
      connectionTimeoutMillis: 10_000,
    });
    next.on("notification", ({ channel }) => {
      for (const subscriber of [...(subscribers.get(channel) ?? [])]) subscriber.notified();
    });
    // Unheard, an error on an idle connection would end the process.
    next.on("error", (error) => lost(next, error));
    next.on("end", () => lost(next, new Error("the LISTEN connection closed")));
    try {
      await next.connect();
      for (const channel of subscribers.keys()) {
        await next.query(`listen ${next.escapeIdentifier(channel)}`);
      }
    } catch (error) {
      next.end().catch(() => {});
      retryLater(error as Error);
      return;
    }
    client = next;
    failures = 0;
    for (const subscriber of everyone()) {
      subscriber.listening(true);
      subscriber.notified();
    }
  }

  async function disconnect(): Promise<void> {
    if (retry) clearTimeout(retry);
    retry = null;
    failures = 0;
    const open = client;
    client = null;
    await open?.end().catch(() => {});
  }

  return {
    async listen(channel: string, subscriber: NotificationSubscriber): Promise<Unlisten> {
      await serially(async () => {
        const known = subscribers.get(channel);
        subscribers.set(channel, (known ?? new Set()).add(subscriber));
        // While a retry is pending, the subscriber hears when it succeeds or fails.
        if (!client) return retry ? undefined : connect();
        const open = client;
        try {
          if (!known) await open.query(`listen ${open.escapeIdentifier(channel)}`);
          subscriber.listening(true);
        } catch (error) {
          // The connection died under it; the next one listens on every channel.
          lost(open, error as Error);
        }
      });
      return () =>
        serially(async () => {
          const set = subscribers.get(channel);
          if (!set?.delete(subscriber) || set.size > 0) return;
          subscribers.delete(channel);
          if (subscribers.size === 0) return disconnect();
          // A lost connection listens to nothing anyway.
          await client?.query(`unlisten ${client.escapeIdentifier(channel)}`).catch(() => {});
        });
    },

    close(): Promise<void> {
      closed = true;
      return serially(disconnect);
    },
  };
}

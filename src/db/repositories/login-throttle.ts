import { sql } from "kysely";
import type { Database } from "../database.js";

export interface ThrottlePolicy {
  /** Failures allowed in one window; the one that reaches it locks the key. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/**
 * Sign-in attempts counted per key (hashed email or IP) in a fixed window, on the database
 * clock, so every server process shares one count. An attempt counts as a failure until its
 * password proves right.
 */
export function createLoginThrottleRepository(db: Database) {
  const ms = (value: number) => sql`(${value} * interval '1 millisecond')`;

  return {
    /**
     * Counts one sign-in attempt before its password is checked, in one statement, so that
     * concurrent attempts can never all slip under the limit: of N at once, exactly those
     * numbered up to `maxFailures` are let through. The attempt that reaches the limit locks
     * the key (a right password lifts it again, see `clear`). A new window starts when the
     * old one is over, never while a lock holds.
     */
    async reserveAttempt(
      key: string,
      policy: ThrottlePolicy,
    ): Promise<{ allowed: boolean; lockedUntil: Date | null }> {
      const lockOver = sql`(t.locked_until is null or t.locked_until <= now())`;
      const fresh = sql`(${lockOver} and (t.window_started_at <= now() - ${ms(policy.windowMs)}
        or t.locked_until <= now()))`;
      const attempts = sql`(case when ${fresh} then 1 else t.failures + 1 end)`;
      const lock = sql`now() + ${ms(policy.lockMs)}`;
      const { rows } = await sql<{ failures: number; locked_until: Date | null }>`
        insert into login_throttle as t (key, failures, window_started_at, locked_until)
        values (${key}, 1, now(), case when 1 >= ${policy.maxFailures} then ${lock} end)
        on conflict (key) do update set
          failures = ${attempts},
          window_started_at = case when ${fresh} then now() else t.window_started_at end,
          locked_until = case
            when not ${lockOver} then t.locked_until
            when ${attempts} >= ${policy.maxFailures} then ${lock}
          end
        returning failures, locked_until`.execute(db);
      const row = rows[0];
      return {
        allowed: (row?.failures ?? 1) <= policy.maxFailures,
        lockedUntil: row?.locked_until ? new Date(row.locked_until) : null,
      };
    },

    /** Takes back an attempt that turned out right: it was no failure. */
    async forgiveAttempt(key: string): Promise<void> {
      await db
        .updateTable("login_throttle")
        .set((eb) => ({ failures: sql<number>`greatest(${eb.ref("failures")} - 1, 0)` }))
        .where("key", "=", key)
        .execute();
    },

    async clear(key: string): Promise<void> {
      await db.deleteFrom("login_throttle").where("key", "=", key).execute();
    },

    /** Drops counts whose window and lock are long over: they can no longer matter. */
    async deleteStale(olderThanMs: number): Promise<void> {
      await db
        .deleteFrom("login_throttle")
        .where("window_started_at", "<", sql<Date>`now() - ${ms(olderThanMs)}`)
        .where((eb) =>
          eb.or([eb("locked_until", "is", null), eb("locked_until", "<", sql<Date>`now()`)]),
        )
        .execute();
    },
  };
}

export type LoginThrottleRepository = ReturnType<typeof createLoginThrottleRepository>;

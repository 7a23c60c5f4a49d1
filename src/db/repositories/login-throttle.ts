import { sql } from "kysely";
import type { Database } from "../database.js";

export interface ThrottlePolicy {
  /** Failures allowed in one window; the one that reaches it locks the key. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/**
 * Failed sign-ins counted per key (hashed email or IP) in a fixed window, on the database
 * clock, so every server process shares one count.
 */
export function createLoginThrottleRepository(db: Database) {
  const ms = (value: number) => sql`(${value} * interval '1 millisecond')`;

  return {
    /** The latest lock still in force on any of the keys, or null. */
    async lockedUntil(keys: string[]): Promise<Date | null> {
      const row = await db
        .selectFrom("login_throttle")
        .select((eb) => eb.fn.max("locked_until").as("until"))
        .where("key", "in", keys)
        .where("locked_until", ">", sql<Date>`now()`)
        .executeTakeFirst();
      return row?.until ? new Date(row.until) : null;
    },

    /** Counts one failure; a new window starts when the old one or its lock is over. */
    async recordFailure(
      key: string,
      policy: ThrottlePolicy,
    ): Promise<{ failures: number; lockedUntil: Date | null }> {
      const fresh = sql`(t.window_started_at <= now() - ${ms(policy.windowMs)} or t.locked_until <= now())`;
      const failures = sql`(case when ${fresh} then 1 else t.failures + 1 end)`;
      const { rows } = await sql<{ failures: number; locked_until: Date | null }>`
        insert into login_throttle as t (key, failures, window_started_at, locked_until)
        values (${key}, 1, now(),
          case when 1 >= ${policy.maxFailures} then now() + ${ms(policy.lockMs)} end)
        on conflict (key) do update set
          failures = ${failures},
          window_started_at = case when ${fresh} then now() else t.window_started_at end,
          locked_until = case when ${failures} >= ${policy.maxFailures}
            then now() + ${ms(policy.lockMs)} end
        returning failures, locked_until`.execute(db);
      const row = rows[0];
      return {
        failures: row?.failures ?? 1,
        lockedUntil: row?.locked_until ? new Date(row.locked_until) : null,
      };
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

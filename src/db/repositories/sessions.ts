import { sql } from "kysely";
import type { Database } from "../database.js";

export interface ActiveSession {
  id: string;
  user_id: string;
  email: string;
  last_seen_at: Date;
  expires_at: Date;
}

/** Sessions by the hash of their cookie token; times come from the database clock. */
export function createSessionsRepository(db: Database) {
  const ttl = (ms: number) => sql<Date>`now() + ${ms} * interval '1 millisecond'`;

  return {
    async insert(values: {
      id: string;
      userId: string;
      ttlMs: number;
      userAgent: string | null;
    }): Promise<void> {
      await db
        .insertInto("sessions")
        .values({
          id: values.id,
          user_id: values.userId,
          expires_at: ttl(values.ttlMs),
          user_agent: values.userAgent,
        })
        .execute();
    },

    /** The unexpired session with its user; `stale` says it was last seen over `refreshMs` ago. */
    async findActive(
      id: string,
      refreshMs: number,
    ): Promise<(ActiveSession & { stale: boolean }) | undefined> {
      const row = await db
        .selectFrom("sessions")
        .innerJoin("users", "users.id", "sessions.user_id")
        .select([
          "sessions.id",
          "sessions.user_id",
          "users.email",
          "sessions.last_seen_at",
          "sessions.expires_at",
          sql<boolean>`sessions.last_seen_at < now() - ${refreshMs} * interval '1 millisecond'`.as(
            "stale",
          ),
        ])
        .where("sessions.id", "=", id)
        .where("sessions.expires_at", ">", sql<Date>`now()`)
        .executeTakeFirst();
      return row;
    },

    /** Slides the expiry forward from now. */
    async touch(id: string, ttlMs: number): Promise<void> {
      await db
        .updateTable("sessions")
        .set({ last_seen_at: sql<Date>`now()`, expires_at: ttl(ttlMs) })
        .where("id", "=", id)
        .execute();
    },

    async delete(id: string): Promise<void> {
      await db.deleteFrom("sessions").where("id", "=", id).execute();
    },

    /** Every session of the user: "sign out everywhere". */
    async deleteForUser(userId: string): Promise<number> {
      const result = await db
        .deleteFrom("sessions")
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Expired sessions are dead already; this only keeps the table small. */
    async deleteExpired(userId: string): Promise<void> {
      await db
        .deleteFrom("sessions")
        .where("user_id", "=", userId)
        .where("expires_at", "<=", sql<Date>`now()`)
        .execute();
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;

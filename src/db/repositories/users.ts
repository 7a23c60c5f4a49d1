import { sql } from "kysely";
import type { Database } from "../database.js";
import { newId } from "../ids.js";
import type { User } from "../schema.js";

/** One person, one user, however they type their address. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createUsersRepository(db: Database) {
  return {
    findByEmail(email: string): Promise<User | undefined> {
      return db
        .selectFrom("users")
        .selectAll()
        .where("email", "=", normalizeEmail(email))
        .executeTakeFirst();
    },

    findById(userId: string): Promise<User | undefined> {
      return db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
    },

    /** The new user, or undefined when the email is taken. */
    create(email: string, passwordHash: string): Promise<User | undefined> {
      return db
        .insertInto("users")
        .values({ id: newId("usr"), email: normalizeEmail(email), password_hash: passwordHash })
        .onConflict((oc) => oc.column("email").doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    /** Held to the transaction's end: two first-user setups at once run one after the other. */
    async lockForFirstUser(): Promise<void> {
      await sql`lock table users in exclusive mode`.execute(db);
    },

    async exists(): Promise<boolean> {
      const row = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;

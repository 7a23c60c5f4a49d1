import { sql } from "kysely";
import type { Database } from "../database.js";
import { newId } from "../ids.js";
import type { Invite, Role } from "../schema.js";

export interface NewInvite {
  accountId: string;
  tokenHash: string;
  email: string | null;
  role: Role;
  createdBy: string;
  ttlMs: number;
}

export function createInvitesRepository(db: Database) {
  return {
    create(invite: NewInvite): Promise<Invite> {
      return db
        .insertInto("invites")
        .values({
          account_id: invite.accountId,
          id: newId("inv"),
          token_hash: invite.tokenHash,
          email: invite.email,
          role: invite.role,
          created_by: invite.createdBy,
          expires_at: sql<Date>`now() + ${invite.ttlMs} * interval '1 millisecond'`,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Invites that can still be accepted, newest first. */
    listPending(accountId: string): Promise<Invite[]> {
      return db
        .selectFrom("invites")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("accepted_at", "is", null)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", sql<Date>`now()`)
        .orderBy("created_at", "desc")
        .orderBy("id")
        .execute();
    },

    /** The revoked invite, or undefined when there is no such pending invite. */
    revoke(accountId: string, inviteId: string): Promise<Invite | undefined> {
      return db
        .updateTable("invites")
        .set({ revoked_at: sql<Date>`now()` })
        .where("account_id", "=", accountId)
        .where("id", "=", inviteId)
        .where("accepted_at", "is", null)
        .where("revoked_at", "is", null)
        .returningAll()
        .executeTakeFirst();
    },

    findByTokenHash(tokenHash: string): Promise<Invite | undefined> {
      return db
        .selectFrom("invites")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .executeTakeFirst();
    },

    /**
     * Marks the invite accepted by `userId` if it is still pending and unexpired. One
     * statement, so two people racing for the same link cannot both get it.
     */
    claim(inviteId: string, accountId: string, userId: string): Promise<Invite | undefined> {
      return db
        .updateTable("invites")
        .set({ accepted_at: sql<Date>`now()`, accepted_by: userId })
        .where("account_id", "=", accountId)
        .where("id", "=", inviteId)
        .where("accepted_at", "is", null)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", sql<Date>`now()`)
        .returningAll()
        .executeTakeFirst();
    },
  };
}

export type InvitesRepository = ReturnType<typeof createInvitesRepository>;

import { sql } from "kysely";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import type { Membership, Role } from "../schema.js";
import { inTransaction } from "../transaction.js";

export interface AccountOfUser {
  id: string;
  name: string;
  role: Role;
  created_at: Date;
}

export interface Member {
  user_id: string;
  email: string;
  role: Role;
  created_at: Date;
}

export function createMembershipsRepository(db: Database) {
  /** Refuses a change that would leave the account without an owner. */
  async function assertOwnerRemains(
    trx: Database,
    accountId: string,
    userId: string,
  ): Promise<void> {
    // Row locks on the owners: two owners removing each other at once cannot both succeed.
    const owners = await trx
      .selectFrom("memberships")
      .select("user_id")
      .where("account_id", "=", accountId)
      .where("role", "=", "owner")
      .forUpdate()
      .execute();
    if (owners.length === 1 && owners[0]?.user_id === userId) {
      throw new DomainError("last_owner", "An account must keep at least one owner.");
    }
  }

  function membersQuery(accountId: string) {
    return db
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.user_id")
      .select(["memberships.user_id", "users.email", "memberships.role", "memberships.created_at"])
      .where("memberships.account_id", "=", accountId);
  }

  return {
    find(accountId: string, userId: string): Promise<Membership | undefined> {
      return db
        .selectFrom("memberships")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
    },

    /** Adds the user, or raises a member to owner; a membership is never downgraded here. */
    async add(accountId: string, userId: string, role: Role): Promise<void> {
      await db
        .insertInto("memberships")
        .values({ account_id: accountId, user_id: userId, role })
        .onConflict((oc) =>
          oc.columns(["account_id", "user_id"]).doUpdateSet({
            role: sql<Role>`case when excluded.role = 'owner' then 'owner' else memberships.role end`,
          }),
        )
        .execute();
    },

    accountsOf(userId: string): Promise<AccountOfUser[]> {
      return db
        .selectFrom("memberships")
        .innerJoin("accounts", "accounts.id", "memberships.account_id")
        .select(["accounts.id", "accounts.name", "memberships.role", "accounts.created_at"])
        .where("memberships.user_id", "=", userId)
        .orderBy("accounts.created_at")
        .orderBy("accounts.id")
        .execute();
    },

    members(accountId: string): Promise<Member[]> {
      return membersQuery(accountId)
        .orderBy("memberships.created_at")
        .orderBy("users.email")
        .execute();
    },

    member(accountId: string, userId: string): Promise<Member | undefined> {
      return membersQuery(accountId).where("memberships.user_id", "=", userId).executeTakeFirst();
    },

    /** False when the user is no member; `last_owner` when they are the only owner. */
    remove(accountId: string, userId: string): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        await assertOwnerRemains(trx, accountId, userId);
        const result = await trx
          .deleteFrom("memberships")
          .where("account_id", "=", accountId)
          .where("user_id", "=", userId)
          .executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    /** The updated membership, or undefined when the user is no member. */
    setRole(accountId: string, userId: string, role: Role): Promise<Membership | undefined> {
      return inTransaction(db, async (trx) => {
        if (role !== "owner") await assertOwnerRemains(trx, accountId, userId);
        return trx
          .updateTable("memberships")
          .set({ role })
          .where("account_id", "=", accountId)
          .where("user_id", "=", userId)
          .returningAll()
          .executeTakeFirst();
      });
    },
  };
}

export type MembershipsRepository = ReturnType<typeof createMembershipsRepository>;

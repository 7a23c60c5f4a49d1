import { sql } from "kysely";
import type { Database } from "../../db/database.js";
import { createAccountsRepository } from "../../db/repositories/accounts.js";
import { createMembershipsRepository } from "../../db/repositories/memberships.js";
import { createUsersRepository } from "../../db/repositories/users.js";
import type { User } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { hashPassword } from "./passwords.js";

export interface FirstUser {
  email: string;
  password: string;
  accountName?: string | undefined;
}

/**
 * The installation's first user. They own every account that exists already (say the demo
 * account of `npm start`, or ones made with `account create`), plus a new one when
 * `accountName` is given; with no account at all, `accountName` is required.
 */
export async function createFirstUser(db: Database, input: FirstUser): Promise<User> {
  if (await createUsersRepository(db).exists()) throw new AppError("already_set_up");
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    // Two browsers racing through setup: the second waits here, then sees the first's user.
    await sql`lock table users in exclusive mode`.execute(trx);
    const users = createUsersRepository(trx);
    if (await users.exists()) throw new AppError("already_set_up");
    const user = await users.create(input.email, passwordHash);
    if (!user) throw new AppError("already_set_up");
    const accounts = createAccountsRepository(trx);
    const existing = await accounts.list();
    const name = input.accountName?.trim();
    if (existing.length === 0 && !name) {
      throw new AppError("validation_error", "account_name is required: there is no account yet.", {
        field: "account_name",
      });
    }
    await adoptExistingAccounts(trx, user.id);
    if (name) await accounts.create(name, { ownerId: user.id });
    return user;
  });
}

/** The first user owns what exists: nobody else can, as there is nobody else. */
export async function adoptExistingAccounts(db: Database, userId: string): Promise<void> {
  const memberships = createMembershipsRepository(db);
  for (const account of await createAccountsRepository(db).list()) {
    await memberships.add(account.id, userId, "owner");
  }
}

import type { Repositories } from "../../db/repositories/index.js";
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
export async function createFirstUser(repos: Repositories, input: FirstUser): Promise<User> {
  if (await repos.users.exists()) throw new AppError("already_set_up");
  const passwordHash = await hashPassword(input.password);
  return repos.transaction(async (trx) => {
    // Two browsers racing through setup: the second waits here, then sees the first's user.
    await trx.users.lockForFirstUser();
    if (await trx.users.exists()) throw new AppError("already_set_up");
    const user = await trx.users.create(input.email, passwordHash);
    if (!user) throw new AppError("already_set_up");
    const existing = await trx.accounts.list();
    const name = input.accountName?.trim();
    if (existing.length === 0 && !name) {
      throw new AppError("validation_error", "account_name is required: there is no account yet.", {
        field: "account_name",
      });
    }
    await adoptExistingAccounts(trx, user.id);
    if (name) await trx.accounts.create(name, { ownerId: user.id });
    return user;
  });
}

/** The first user owns what exists: nobody else can, as there is nobody else. */
export async function adoptExistingAccounts(repos: Repositories, userId: string): Promise<void> {
  for (const account of await repos.accounts.list()) {
    await repos.memberships.add(account.id, userId, "owner");
  }
}

import type { Database } from "../../db/database.js";
import { createRepositories } from "../../db/repositories/index.js";
import { createUsersRepository, normalizeEmail } from "../../db/repositories/users.js";
import type { Role, User } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { adoptExistingAccounts } from "../../server/auth/first-user.js";
import { checkNewPassword, hashPassword, verifyPassword } from "../../server/auth/passwords.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand, withSecrets } from "../options.js";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** --email and --password, checked; both or neither unless `required`. */
export function credentialsFrom(
  values: { email?: unknown; password?: unknown },
  required: boolean,
): { email: string; password: string } | undefined {
  const email = typeof values.email === "string" ? values.email.trim() : undefined;
  const password = typeof values.password === "string" ? values.password : undefined;
  if (email === undefined && password === undefined && !required) return undefined;
  if (!email) throw new CliError("--email E is required.");
  if (password === undefined) throw new CliError("--password P is required.");
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new CliError(`--email is not an email address: "${email}".`);
  }
  return { email: normalizeEmail(email), password };
}

/** The password rule, as a command-line message. */
function checkPasswordOption(password: string): void {
  try {
    checkNewPassword(password);
  } catch (error) {
    if (error instanceof AppError) throw new CliError(`--password: ${error.message}`);
    throw error;
  }
}

/**
 * The user with these credentials: found (the password must match) or created. For
 * `account create --email E --password P`.
 */
export async function findOrCreateUser(
  db: Database,
  credentials: { email: string; password: string },
): Promise<{ user: User; created: boolean }> {
  const users = createUsersRepository(db);
  const existing = await users.findByEmail(credentials.email);
  if (existing) {
    if (!(await verifyPassword(existing.password_hash, credentials.password))) {
      throw new CliError(`--password does not match the existing user ${credentials.email}.`);
    }
    return { user: existing, created: false };
  }
  checkPasswordOption(credentials.password);
  const user = await users.create(credentials.email, await hashPassword(credentials.password));
  if (!user) throw new CliError(`A user with the email ${credentials.email} exists already.`);
  return { user, created: true };
}

function roleFrom(raw: unknown): Role {
  if (raw === undefined || raw === "owner") return "owner";
  if (raw === "member") return "member";
  throw new CliError(`--role must be owner or member, got "${String(raw)}".`);
}

/**
 * `user create --email E --password P [--account ID] [--role owner|member] [--json]`.
 * With --account the user joins that account (as owner unless --role member). Without it,
 * the installation's first user owns every existing account, as in the browser's setup.
 */
export async function userCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== "create") {
    throw new CliError(
      `Unknown user action "${action ?? ""}". Try: user create --email E --password P.`,
    );
  }
  const { values } = parseCommand(rest, {
    email: { type: "string" },
    password: { type: "string" },
    account: { type: "string" },
    role: { type: "string" },
    json: { type: "boolean" },
  });
  const credentials = credentialsFrom(values, true);
  if (!credentials) throw new CliError("--email E is required.");
  checkPasswordOption(credentials.password);
  const role = roleFrom(values.role);
  const accountId = typeof values.account === "string" ? values.account : undefined;
  if (values.role !== undefined && accountId === undefined) {
    throw new CliError("--role needs --account ID.");
  }
  const passwordHash = await hashPassword(credentials.password);

  await withSecrets(configFrom(values), async ({ db }, secrets) => {
    const result = await createRepositories(db, { secrets }).transaction(async (trx) => {
      // Same lock as the browser's setup: "first user" means the same thing in both.
      await trx.users.lockForFirstUser();
      const users = trx.users;
      const first = !(await users.exists());
      const user = await users.create(credentials.email, passwordHash);
      if (!user) throw new CliError(`A user with the email ${credentials.email} exists already.`);
      if (accountId !== undefined) {
        const account = await trx.accounts.find(accountId);
        if (!account) throw new CliError(`No account "${accountId}".`);
        await trx.memberships.add(account.id, user.id, role);
      } else if (first) {
        await adoptExistingAccounts(trx, user.id);
      }
      const accounts = await trx.memberships.accountsOf(user.id);
      return { user, accounts };
    });
    if (values.json) {
      console.log(
        JSON.stringify({
          user_id: result.user.id,
          email: result.user.email,
          accounts: result.accounts.map((a) => ({ id: a.id, name: a.name, role: a.role })),
        }),
      );
      return;
    }
    console.log(`User:      ${result.user.email} (${result.user.id})`);
    if (result.accounts.length === 0) {
      console.log("Accounts:  none yet (create one in the dashboard, or use --account ID)");
    }
    for (const account of result.accounts) {
      console.log(`Account:   ${account.name} (${account.id}) as ${account.role}`);
    }
  });
}

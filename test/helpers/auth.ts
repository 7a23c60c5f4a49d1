import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createMembershipsRepository } from "../../src/db/repositories/memberships.js";
import { createUsersRepository } from "../../src/db/repositories/users.js";
import type { Role } from "../../src/db/schema.js";
import { hashPassword } from "../../src/server/auth/passwords.js";
import { testSecrets } from "./secrets.js";
import type { TestServer } from "./server.js";

export const PASSWORD = "correct horse battery";

/** `name=value` of the session cookie a response sets, or undefined. */
export function sessionCookieOf(response: LightMyRequestResponse): string | undefined {
  const header = response.headers["set-cookie"];
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const session = all.find((c) => /^(__Host-)?ci_session=/.test(c));
  return session?.split(";")[0];
}

/** A user straight in the database (as `cancel-insights user create` makes one). */
export async function createUser(
  server: TestServer,
  email: string,
  options: { password?: string; accounts?: Array<[string, Role]> } = {},
): Promise<{ id: string; email: string }> {
  const db = server.database.db;
  const user = await createUsersRepository(db).create(
    email,
    await hashPassword(options.password ?? PASSWORD),
  );
  if (!user) throw new Error(`user ${email} exists`);
  for (const [accountId, role] of options.accounts ?? []) {
    await createMembershipsRepository(db).add(accountId, user.id, role);
  }
  return user;
}

/** An account with defaults, owned by nobody yet. */
export async function createAccount(server: TestServer, name: string) {
  return createAccountsRepository(server.database.db, { secrets: testSecrets }).create(name);
}

export interface Client {
  userId: string;
  cookie: string;
  csrf: string;
  /** app.inject with this session's cookie and CSRF header. */
  request(
    method: InjectOptions["method"],
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
}

/** Signs in through the API, as the dashboard does. */
export async function signIn(
  server: TestServer,
  email: string,
  password = PASSWORD,
): Promise<Client> {
  const response = await server.app.inject({
    method: "POST",
    url: "/api/auth/login",
    payload: { email, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
  const cookie = sessionCookieOf(response);
  if (!cookie) throw new Error("no session cookie");
  const { csrf_token: csrf, user } = response.json();
  return {
    userId: user.id,
    cookie,
    csrf,
    request: (method, url, payload) =>
      server.app.inject({
        method,
        url,
        headers: { cookie, "x-csrf-token": csrf },
        ...(payload === undefined ? {} : { payload: payload as InjectOptions["payload"] }),
      }),
  };
}

/** An owner and a member of the server's own account, each signed in. */
export async function ownerAndMember(
  server: TestServer,
): Promise<{ owner: Client; member: Client }> {
  await createUser(server, "owner@example.com", { accounts: [[server.accountId, "owner"]] });
  await createUser(server, "member@example.com", { accounts: [[server.accountId, "member"]] });
  return {
    owner: await signIn(server, "owner@example.com"),
    member: await signIn(server, "member@example.com"),
  };
}

import type { SessionReply } from "../../contract/auth.js";
import type { MembershipsRepository } from "../../db/repositories/memberships.js";
import { toApiAccount } from "../../presenters/accounts.js";
import type { SignedIn } from "./sessions.js";

/** The reply of sign-in, setup, invite acceptance and `GET /api/session`. */
export async function sessionReply(
  memberships: MembershipsRepository,
  signedIn: SignedIn,
): Promise<SessionReply> {
  const accounts = await memberships.accountsOf(signedIn.userId);
  return {
    user: { id: signedIn.userId, email: signedIn.email },
    accounts: accounts.map(toApiAccount),
    csrf_token: signedIn.csrfToken,
  };
}

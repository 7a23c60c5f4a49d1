import type { Database } from "../../db/database.js";
import { createMembershipsRepository } from "../../db/repositories/memberships.js";
import { toApiAccount } from "../schemas/accounts.js";
import type { SessionReply } from "../schemas/auth.js";
import type { SignedIn } from "./sessions.js";

/** The reply of sign-in, setup, invite acceptance and `GET /api/session`. */
export async function sessionReply(db: Database, signedIn: SignedIn): Promise<SessionReply> {
  const accounts = await createMembershipsRepository(db).accountsOf(signedIn.userId);
  return {
    user: { id: signedIn.userId, email: signedIn.email },
    accounts: accounts.map(toApiAccount),
    csrf_token: signedIn.csrfToken,
  };
}

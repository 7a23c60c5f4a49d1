import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { normalizeEmail } from "../../db/repositories/users.js";
import type { Invite, User } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { checkCredentials } from "./credentials.js";
import { checkCsrfToken } from "./csrf.js";
import { inviteTokenHash } from "./invite-links.js";
import { checkNewPassword, hashPassword } from "./passwords.js";
import type { SignedIn } from "./sessions.js";

export interface AcceptInput {
  token: string;
  /** Without a session: sign in as, or create, this user. */
  credentials?: { email: string; password: string } | undefined;
}

async function pendingInvite(app: FastifyInstance, token: string): Promise<Invite> {
  const invite = await app.repos.invites.findByTokenHash(inviteTokenHash(token));
  if (!invite) throw new AppError("not_found", "No such invite.");
  const over =
    invite.accepted_at !== null ||
    invite.revoked_at !== null ||
    new Date(invite.expires_at).getTime() <= Date.now();
  if (over) throw new AppError("invite_expired");
  return invite;
}

/** An invite naming an email is for that person only. */
function assertInvitee(invite: Invite, email: string): void {
  if (invite.email !== null && invite.email !== normalizeEmail(email)) {
    throw new AppError("forbidden", "This invite is for another email address.");
  }
}

type Invitee =
  | { kind: "session"; signedIn: SignedIn }
  | { kind: "existing"; user: User }
  | { kind: "new"; email: string; passwordHash: string };

/** Who accepts: the credentials' user (checked, or new), else the session's. */
async function invitee(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  invite: Invite,
  credentials: AcceptInput["credentials"],
): Promise<Invitee> {
  if (credentials) {
    const { email, password } = credentials;
    assertInvitee(invite, email);
    if (await app.repos.users.findByEmail(email)) {
      const user = await checkCredentials(
        app.repos.users,
        app.services.throttle,
        request,
        credentials,
      );
      return { kind: "existing", user };
    }
    checkNewPassword(password);
    return { kind: "new", email, passwordHash: await hashPassword(password) };
  }
  const signedIn = await app.services.sessions.resolve(request, reply);
  if (!signedIn) throw new AppError("not_signed_in");
  // The cookie is what authorises this change, so the session's CSRF token must come too.
  checkCsrfToken(request, signedIn);
  assertInvitee(invite, signedIn.email);
  return { kind: "session", signedIn };
}

/**
 * Turns a one-time invite into a membership for the signed-in user, or for the user the
 * credentials name (created when the email is new, then signed in).
 */
export async function acceptInvite(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  input: AcceptInput,
): Promise<{ signedIn: SignedIn; accountId: string }> {
  const invite = await pendingInvite(app, input.token);
  const who = await invitee(app, request, reply, invite, input.credentials);

  // Claiming the link, creating the user and the membership stand or fall together.
  const user = await app.repos.transaction(async (trx) => {
    let user: { id: string; email: string };
    if (who.kind === "new") {
      const created = await trx.users.create(who.email, who.passwordHash);
      if (!created) throw new AppError("email_taken");
      user = created;
    } else {
      user =
        who.kind === "existing" ? who.user : { id: who.signedIn.userId, email: who.signedIn.email };
    }
    const claimed = await trx.invites.claim(invite.id, invite.account_id, user.id);
    if (!claimed) throw new AppError("invite_expired");
    await trx.memberships.add(invite.account_id, user.id, invite.role);
    return user;
  });

  const signedIn =
    who.kind === "session" ? who.signedIn : await app.services.sessions.start(request, reply, user);
  return { signedIn, accountId: invite.account_id };
}

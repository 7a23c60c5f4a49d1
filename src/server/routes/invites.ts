import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  AccountParams,
  CreatedInviteReply,
  InviteBody,
  InviteReply,
  InvitesReply,
  ResourceParams,
} from "../../contract/accounts.js";
import { AcceptInviteBody, AcceptInviteReply, InviteTokenParams } from "../../contract/invites.js";
import { normalizeEmail } from "../../db/repositories/users.js";
import { AppError } from "../../errors.js";
import { toApiInvite } from "../../presenters/accounts.js";
import { acceptInvite } from "../auth/accept-invite.js";
import { INVITE_TTL_MS, inviteUrl, newInviteToken } from "../auth/invite-links.js";
import { signedInOf } from "../auth/request-auth.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";
import { sessionReply } from "../auth/session-reply.js";

/** Owners invite people to one account (under `/api/accounts/:accountId`). */
export async function inviteRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const invites = app.repos.invites;
  // Pending links are as good as memberships: only owners see or make them.
  app.addHook("onRequest", requireOwner);

  app.get(
    "/invites",
    { schema: { params: AccountParams, response: { 200: InvitesReply } } },
    async (request) => {
      const pending = await invites.listPending(membershipOf(request).account_id);
      return { invites: pending.map(toApiInvite) };
    },
  );

  app.post(
    "/invites",
    { schema: { params: AccountParams, body: InviteBody, response: { 201: CreatedInviteReply } } },
    async (request, reply) => {
      const { token, tokenHash } = newInviteToken();
      const invite = await invites.create({
        accountId: membershipOf(request).account_id,
        tokenHash,
        email: request.body.email ? normalizeEmail(request.body.email) : null,
        role: request.body.role,
        createdBy: signedInOf(request).userId,
        ttlMs: INVITE_TTL_MS,
      });
      return reply.status(201).send({
        invite: toApiInvite(invite),
        url: inviteUrl(app.services.config.publicUrl, token),
      });
    },
  );

  app.delete(
    "/invites/:id",
    { schema: { params: ResourceParams, response: { 200: InviteReply } } },
    async (request) => {
      const revoked = await invites.revoke(membershipOf(request).account_id, request.params.id);
      if (!revoked) throw new AppError("not_found", "No such pending invite.");
      return { invite: toApiInvite(revoked) };
    },
  );
}

/** The invitee's side: the link's token is the authority, no account id in the path. */
export async function inviteAcceptRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    "/api/invites/:token/accept",
    {
      // A signed-in invitee may post no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        params: InviteTokenParams,
        body: AcceptInviteBody,
        response: { 200: AcceptInviteReply },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      if ((email === undefined) !== (password === undefined)) {
        const field = email === undefined ? "email" : "password";
        throw new AppError("validation_error", "Send both email and password, or neither.", {
          field,
        });
      }
      const credentials =
        email !== undefined && password !== undefined ? { email, password } : undefined;
      const { signedIn, accountId } = await acceptInvite(app, request, reply, {
        token: request.params.token,
        credentials,
      });
      return { ...(await sessionReply(app.repos.memberships, signedIn)), account_id: accountId };
    },
  );
}

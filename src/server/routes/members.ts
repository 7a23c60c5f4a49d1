import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  AccountParams,
  MemberParams,
  MemberReply,
  MembersReply,
  RoleBody,
} from "../../contract/accounts.js";
import { AppError } from "../../errors.js";
import { toApiMember } from "../../presenters/accounts.js";
import { signedInOf } from "../auth/request-auth.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";

/** The people of one account (under `/api/accounts/:accountId`). */
export async function memberRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const memberships = app.repos.memberships;

  app.get(
    "/members",
    { schema: { params: AccountParams, response: { 200: MembersReply } } },
    async (request) => {
      const members = await memberships.members(membershipOf(request).account_id);
      return { members: members.map(toApiMember) };
    },
  );

  app.patch(
    "/members/:userId",
    {
      onRequest: requireOwner,
      schema: { params: MemberParams, body: RoleBody, response: { 200: MemberReply } },
    },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const updated = await memberships.setRole(
        accountId,
        request.params.userId,
        request.body.role,
      );
      const member = updated && (await memberships.member(accountId, updated.user_id));
      if (!member) throw new AppError("not_found", "No such member.");
      return { member: toApiMember(member) };
    },
  );

  // Owners remove anyone; a member may remove only themselves (leave the account).
  app.delete("/members/:userId", { schema: { params: MemberParams } }, async (request, reply) => {
    const membership = membershipOf(request);
    const leaving = request.params.userId === signedInOf(request).userId;
    if (!leaving && membership.role !== "owner") throw new AppError("forbidden");
    const removed = await memberships.remove(membership.account_id, request.params.userId);
    if (!removed) throw new AppError("not_found", "No such member.");
    return reply.status(204).send();
  });
}

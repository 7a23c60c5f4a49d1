import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  AccountNameBody,
  AccountParams,
  AccountReply,
  AccountsReply,
  CreatedAccountReply,
} from "../../contract/accounts.js";
import { AppError } from "../../errors.js";
import { toApiAccount } from "../../presenters/accounts.js";
import { requireSession, signedInOf } from "../auth/request-auth.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";

/** The signed-in user's accounts: list them, create one. */
export async function accountsRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const memberships = app.repos.memberships;
  app.addHook("onRequest", requireSession);

  app.get("/api/accounts", { schema: { response: { 200: AccountsReply } } }, async (request) => {
    const accounts = await memberships.accountsOf(signedInOf(request).userId);
    return { accounts: accounts.map(toApiAccount) };
  });

  app.post(
    "/api/accounts",
    { schema: { body: AccountNameBody, response: { 201: CreatedAccountReply } } },
    async (request, reply) => {
      const { userId } = signedInOf(request);
      const created = await app.repos.accounts.create(request.body.name.trim(), {
        ownerId: userId,
      });
      return reply.status(201).send({
        account: toApiAccount({ ...created.account, role: "owner" }),
        access_token_id: created.accessTokenId,
        secret_key: created.secretKey,
      });
    },
  );
}

/** One account (under `/api/accounts/:accountId`): show it, rename it (owners). */
export async function accountRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const accounts = app.repos.accounts;

  app.get(
    "/",
    { schema: { params: AccountParams, response: { 200: AccountReply } } },
    async (request) => {
      const membership = membershipOf(request);
      const account = await accounts.find(membership.account_id);
      if (!account) throw new AppError("not_found", "No such account.");
      return { account: toApiAccount({ ...account, role: membership.role }) };
    },
  );

  app.patch(
    "/",
    {
      onRequest: requireOwner,
      schema: { params: AccountParams, body: AccountNameBody, response: { 200: AccountReply } },
    },
    async (request) => {
      const membership = membershipOf(request);
      const account = await accounts.rename(membership.account_id, request.body.name.trim());
      if (!account) throw new AppError("not_found", "No such account.");
      return { account: toApiAccount({ ...account, role: membership.role }) };
    },
  );
}

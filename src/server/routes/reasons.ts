import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import {
  NewReasonBody,
  ReasonChangesBody,
  ReasonOrderBody,
  ReasonParams,
  ReasonReply,
  ReasonsReply,
} from "../../contract/dashboard.js";
import { AppError } from "../../errors.js";
import { membershipOf } from "../auth/require-account.js";
import { changeReason, refuseDuplicateReason, toApiReason } from "../reason-editor.js";

/**
 * The reasons editor: add, rename (past answers keep the text they were given under),
 * reorder, archive (hidden from the widget, data kept) and restore.
 */
export async function reasonRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const reasons = app.repos.reasons;
  const accountOf = (request: Parameters<typeof membershipOf>[0]) =>
    membershipOf(request).account_id;

  app.get(
    "/reasons",
    { schema: { params: AccountParams, response: { 200: ReasonsReply } } },
    async (request) => ({
      reasons: (await reasons.listWithTotals(accountOf(request))).map(toApiReason),
    }),
  );

  app.post(
    "/reasons",
    { schema: { params: AccountParams, body: NewReasonBody, response: { 201: ReasonReply } } },
    async (request, reply) => {
      const accountId = accountOf(request);
      const text = request.body.text.trim();
      await refuseDuplicateReason(reasons, accountId, text);
      const reason = await reasons.create(accountId, text);
      return reply.status(201).send({ reason: toApiReason(reason) });
    },
  );

  app.patch(
    "/reasons/:id",
    { schema: { params: ReasonParams, body: ReasonChangesBody, response: { 200: ReasonReply } } },
    async (request) => ({
      reason: await changeReason(reasons, accountOf(request), request.params.id, request.body),
    }),
  );

  app.put(
    "/reasons/order",
    { schema: { params: AccountParams, body: ReasonOrderBody, response: { 200: ReasonsReply } } },
    async (request) => {
      const accountId = accountOf(request);
      if (!(await reasons.reorder(accountId, request.body.ids))) {
        throw new AppError("validation_error", "ids must list each active reason exactly once.", {
          field: "ids",
        });
      }
      return { reasons: (await reasons.listWithTotals(accountId)).map(toApiReason) };
    },
  );
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { createReasonsRepository, type ReasonWithTotal } from "../../db/repositories/reasons.js";
import type { Reason } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { membershipOf } from "../auth/require-account.js";
import type { AuthServices } from "../auth/services.js";
import { AccountParams } from "../schemas/accounts.js";
import {
  NewReasonBody,
  ReasonChangesBody,
  ReasonOrderBody,
  ReasonParams,
  ReasonReply,
  ReasonsReply,
} from "../schemas/dashboard.js";

function toApiReason(reason: Reason | ReasonWithTotal) {
  return {
    id: reason.id,
    text: reason.text,
    sort_key: reason.sort_key,
    archived: reason.archived_at !== null,
    answers_total: "answers_total" in reason ? reason.answers_total : 0,
  };
}

/**
 * The reasons editor: add, rename (past answers keep the text they were given under),
 * reorder, archive (hidden from the widget, data kept) and restore.
 */
export async function reasonRoutes(parent: FastifyInstance, options: { auth: AuthServices }) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const reasons = createReasonsRepository(options.auth.db);
  const accountOf = (request: Parameters<typeof membershipOf>[0]) =>
    membershipOf(request).account_id;

  async function withTotal(accountId: string, id: string) {
    const found = (await reasons.listWithTotals(accountId)).find((r) => r.id === id);
    if (!found) throw new AppError("not_found", "No such reason.");
    return { reason: toApiReason(found) };
  }

  async function refuseDuplicate(accountId: string, text: string, exceptId?: string) {
    const active = await reasons.list(accountId);
    const same = active.find(
      (r) => r.id !== exceptId && r.text.trim().toLowerCase() === text.trim().toLowerCase(),
    );
    if (same) {
      throw new AppError("reason_exists", `A reason "${same.text}" exists already.`, {
        field: "text",
      });
    }
  }

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
      await refuseDuplicate(accountId, text);
      const reason = await reasons.create(accountId, text);
      return reply.status(201).send({ reason: toApiReason(reason) });
    },
  );

  app.patch(
    "/reasons/:id",
    { schema: { params: ReasonParams, body: ReasonChangesBody, response: { 200: ReasonReply } } },
    async (request) => {
      const accountId = accountOf(request);
      const text = request.body.text?.trim();
      if (text !== undefined) await refuseDuplicate(accountId, text, request.params.id);
      const updated = await reasons.update(accountId, request.params.id, {
        text,
        archived: request.body.archived,
      });
      if (!updated) throw new AppError("not_found", "No such reason.");
      return withTotal(accountId, updated.id);
    },
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

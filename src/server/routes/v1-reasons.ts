import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import {
  errorReplies,
  IdempotencyHeaders,
  IdParams,
  NewReasonBody,
  type Pagination,
  ReasonChangesBody,
  ReasonReply,
  ReasonsQuery,
  ReasonsReply,
} from "../../contract/v1.js";
import { AppError } from "../../errors.js";
import { apiAccountOf } from "../auth/api-key-auth.js";
import { sendIdempotent } from "../idempotency.js";
import {
  changeReason,
  reasonWithTotal,
  refuseDuplicateReason,
  toApiReason,
} from "../reason-editor.js";

const tags = ["Reasons"];

/** Page meta of a list that is read whole (an account has a handful of reasons). */
function pageOf<T>(items: T[], page: number, perPage: number): [T[], Pagination] {
  const start = page * perPage;
  return [
    items.slice(start, start + perPage),
    {
      page,
      per_page: perPage,
      has_more: items.length > start + perPage,
      total: items.length,
      next_cursor: null,
    },
  ];
}

/**
 * `/v1/cancellation_insights/reasons`: Baremetrics' reasons API. Delete archives: the
 * reason leaves the widget, its answers and their text stay.
 */
export async function v1ReasonRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const reasons = app.repos.reasons;

  app.get(
    "/cancellation_insights/reasons",
    {
      schema: {
        summary: "List reasons",
        description: "Active reasons in the widget's order; archived ones on request, after.",
        tags,
        querystring: ReasonsQuery,
        response: { 200: ReasonsReply, ...errorReplies(400) },
      },
    },
    async (request) => {
      const { include_archived, page = 0, per_page = 30 } = request.query;
      const all = await reasons.listWithTotals(apiAccountOf(request));
      const listed = include_archived ? all : all.filter((r) => r.archived_at === null);
      const [items, pagination] = pageOf(listed.map(toApiReason), page, per_page);
      return { reasons: items, meta: { pagination } };
    },
  );

  app.post(
    "/cancellation_insights/reasons",
    {
      schema: {
        summary: "Create a reason",
        description: "At `sort_key`, or after the last one.",
        tags,
        headers: IdempotencyHeaders,
        body: NewReasonBody,
        response: { 200: ReasonReply, ...errorReplies(400, 409, 415, 422) },
      },
    },
    async (request, reply) => {
      const accountId = apiAccountOf(request);
      const text = request.body.text.trim();
      return sendIdempotent(app.repos, accountId, request, reply, async (trx) => {
        const inTrx = trx.reasons;
        await refuseDuplicateReason(inTrx, accountId, text);
        const reason = await inTrx.create(accountId, text, request.body.sort_key);
        return { status: 200, body: { reason: toApiReason(reason) } };
      });
    },
  );

  app.get(
    "/cancellation_insights/reasons/:id",
    {
      schema: {
        summary: "Show a reason",
        description: "Archived (deleted) reasons too: events still point at them.",
        tags,
        params: IdParams,
        response: { 200: ReasonReply, ...errorReplies(400, 404) },
      },
    },
    async (request) => ({
      reason: await reasonWithTotal(reasons, apiAccountOf(request), request.params.id),
    }),
  );

  app.put(
    "/cancellation_insights/reasons/:id",
    {
      schema: {
        summary: "Update a reason",
        description: "Rename or move; past events keep the text they were given under.",
        tags,
        params: IdParams,
        body: ReasonChangesBody,
        response: { 200: ReasonReply, ...errorReplies(400, 404, 409, 415) },
      },
    },
    async (request) => ({
      reason: await changeReason(reasons, apiAccountOf(request), request.params.id, {
        text: request.body.text,
        sortKey: request.body.sort_key,
      }),
    }),
  );

  app.delete(
    "/cancellation_insights/reasons/:id",
    {
      schema: {
        summary: "Delete (archive) a reason",
        description:
          "The reason leaves the widget and new events; past events keep it and its text, " +
          "and it stays readable here. Deleting it again changes nothing.",
        tags,
        params: IdParams,
        response: {
          202: { description: "Archived; no body, as with Baremetrics.", type: "null" },
          ...errorReplies(400, 404),
        },
      },
    },
    async (request, reply) => {
      const accountId = apiAccountOf(request);
      const reason = await reasons.find(accountId, request.params.id);
      if (!reason) throw new AppError("not_found", "No such reason.");
      if (reason.archived_at === null) {
        await reasons.update(accountId, reason.id, { archived: true });
      }
      // No body, as Baremetrics answers.
      return (reply as FastifyReply).status(202).send();
    },
  );
}

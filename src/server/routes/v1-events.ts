import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  EventChangesBody,
  EventReply,
  EventsQuery,
  EventsReply,
  errorReplies,
  IdempotencyHeaders,
  IdParams,
  NewEventBody,
} from "../../contract/v1.js";
import { decodeCursor, type EventSearch } from "../../db/queries/search-events.js";
import { newEventRow } from "../../db/repositories/events.js";
import type { EventRow } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { toV1Event } from "../../presenters/event.js";
import { linkAnswers } from "../../sync/link-answer.js";
import { apiAccountOf } from "../auth/api-key-auth.js";
import { sendIdempotent } from "../idempotency.js";
import { activeReason } from "../reason-editor.js";

const tags = ["Events"];

/** A comment as stored: trimmed, and none rather than empty. */
function commentOf(comment: string | null | undefined): string | null {
  return comment?.trim() || null;
}

function searchOf(accountId: string, query: EventsQuery): EventSearch {
  return {
    accountId,
    from: query.start_date,
    to: query.end_date,
    reasonIds: query.reason_id,
    customerOid: query.customer_oid,
    kind: query.kind,
    testMode: query.test_mode ?? false,
  };
}

/**
 * `/v1/cancellation_insights/events`: Baremetrics' events API. Events recorded here are
 * answers from your own backend (`source: "api"`); they never count as the install check,
 * which proves the widget works.
 */
export async function v1EventRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { events, reasons, cancellationAnswers } = app.repos;

  /** Events in the API's form, each with the cancellations it explains. */
  async function presented(accountId: string, rows: EventRow[]) {
    const linked = await cancellationAnswers.subscriptionsOf(
      accountId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => toV1Event(row, linked.get(row.id)));
  }

  async function presentedOne(row: EventRow) {
    const [event] = await presented(row.account_id, [row]);
    return event as NonNullable<typeof event>;
  }

  async function eventOf(accountId: string, id: string): Promise<EventRow> {
    const event = await events.find(accountId, id);
    if (!event) throw new AppError("not_found", "No such event.");
    return event;
  }

  app.get(
    "/cancellation_insights/events",
    {
      schema: {
        summary: "List events",
        description:
          "Newest first (then by id, so the order is stable). Page with `page` and " +
          "`per_page`, or walk with `cursor` (`next_cursor` of the previous page), which " +
          "neither skips nor repeats events while new ones arrive. Live events only " +
          "unless `test_mode=true`.",
        tags,
        querystring: EventsQuery,
        response: { 200: EventsReply, ...errorReplies(400) },
      },
    },
    async (request) => {
      const { query } = request;
      if (query.cursor !== undefined && query.page !== undefined) {
        throw new AppError("validation_error", "Send either page or cursor, not both.", {
          field: "cursor",
        });
      }
      const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (query.cursor !== undefined && !cursor) {
        throw new AppError("validation_error", "cursor is not one this API gave out.", {
          field: "cursor",
        });
      }
      const perPage = query.per_page ?? 30;
      const page = cursor ? null : (query.page ?? 0);
      const search = searchOf(apiAccountOf(request), query);
      const [found, total] = await Promise.all([
        app.queries.searchEvents(search, { limit: perPage, cursor, offset: (page ?? 0) * perPage }),
        app.queries.countEvents(search),
      ]);
      return {
        events: await presented(search.accountId, found.events),
        meta: {
          pagination: {
            page,
            per_page: perPage,
            has_more: found.nextCursor !== null,
            total,
            next_cursor: found.nextCursor,
          },
        },
      };
    },
  );

  app.post(
    "/cancellation_insights/events",
    {
      schema: {
        summary: "Record an event",
        description:
          "A customer's answer, from your backend (`source: api`). The reason must be " +
          "active; the customer is your billing provider's id.",
        tags,
        headers: IdempotencyHeaders,
        body: NewEventBody,
        response: { 200: EventReply, ...errorReplies(400, 415, 422) },
      },
    },
    async (request, reply) => {
      const accountId = apiAccountOf(request);
      const { body } = request;
      return sendIdempotent(app.repos, accountId, request, reply, async (trx) => {
        const reason = await activeReason(trx.reasons, accountId, body.reason_id);
        const row = newEventRow({
          account_id: accountId,
          kind: "answer",
          source: "api",
          reason_id: reason.id,
          reason_text: reason.text,
          comment: commentOf(body.comment),
          customer_oid: body.customer_oid,
          subscription_oids: body.subscription_oids ?? [],
          test_mode: body.test_mode ?? false,
          mrr_amount: body.mrr?.amount ?? null,
          mrr_currency: body.mrr?.currency ?? null,
          plan: body.plan ?? null,
        });
        await trx.events.insertNew([row]);
        await linkAnswers(trx, [row]);
        return { status: 200, body: { event: toV1Event(row) } };
      });
    },
  );

  app.get(
    "/cancellation_insights/events/:id",
    {
      schema: {
        summary: "Show an event",
        tags,
        params: IdParams,
        response: { 200: EventReply, ...errorReplies(400, 404) },
      },
    },
    async (request) => ({
      event: await presentedOne(await eventOf(apiAccountOf(request), request.params.id)),
    }),
  );

  app.put(
    "/cancellation_insights/events/:id",
    {
      schema: {
        summary: "Update an event",
        description:
          "Change the reason (the event takes its current text) or the comment. A skip " +
          "given a reason becomes an answer; a dismissal cancelled nothing and takes none.",
        tags,
        params: IdParams,
        body: EventChangesBody,
        response: { 200: EventReply, ...errorReplies(400, 404, 409, 415, 422) },
      },
    },
    async (request) => {
      const accountId = apiAccountOf(request);
      const { body } = request;
      const event = await eventOf(accountId, request.params.id);
      if (event.kind === "dismissal") throw new AppError("event_not_cancellation");
      const changes: Parameters<typeof events.update>[2] = {};
      if (body.reason_id !== undefined && body.reason_id !== event.reason_id) {
        const reason = await activeReason(reasons, accountId, body.reason_id);
        Object.assign(changes, { kind: "answer", reason_id: reason.id, reason_text: reason.text });
      }
      if (event.reason_id === null && changes.reason_id === undefined) {
        throw new AppError("validation_error", "This event has no reason yet: send reason_id.", {
          field: "reason_id",
        });
      }
      const comment = commentOf(body.comment);
      if (body.comment !== undefined && comment !== event.comment) changes.comment = comment;
      // Nothing new, nothing written: an UPDATE would tell webhooks of a change that is none.
      if (Object.keys(changes).length === 0) return { event: await presentedOne(event) };
      const updated = await events.update(accountId, event.id, changes);
      if (!updated) throw new AppError("not_found", "No such event.");
      return { event: await presentedOne(updated) };
    },
  );
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";
import { AccountParams } from "../../contract/accounts.js";
import { EventsQuery, EventsReply } from "../../contract/dashboard.js";
import { decodeCursor, type EventSearch } from "../../db/queries/search-events.js";
import { AppError } from "../../errors.js";
import { toApiEvent } from "../../presenters/event.js";
import { membershipOf } from "../auth/require-account.js";

/** The search a dashboard query string asks for, always inside the caller's account. */
export function eventSearchOf(accountId: string, query: Static<typeof EventsQuery>): EventSearch {
  return {
    accountId,
    q: query.q,
    reasonIds: query.reason_id,
    customerOid: query.customer_oid,
    kind: query.kind,
    from: query.from,
    to: query.to,
    includeTest: query.include_test ?? false,
    withComment: query.with_comment ?? false,
  };
}

/** Answers with their comments, newest first: the Comments page and a customer's page. */
export async function accountEventsRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    "/events",
    { schema: { params: AccountParams, querystring: EventsQuery, response: { 200: EventsReply } } },
    async (request) => {
      const { query } = request;
      const cursor = query.cursor ? decodeCursor(query.cursor) : null;
      if (query.cursor && !cursor) {
        throw new AppError("validation_error", "cursor is not one this API gave out.", {
          field: "cursor",
        });
      }
      const page = await app.queries.searchEvents(
        eventSearchOf(membershipOf(request).account_id, query),
        {
          limit: query.limit ?? 50,
          cursor,
        },
      );
      return { events: page.events.map(toApiEvent), next_cursor: page.nextCursor };
    },
  );
}

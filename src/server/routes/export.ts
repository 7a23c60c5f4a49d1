import { Readable } from "node:stream";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { stringify } from "csv-stringify";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import { ExportQuery } from "../../contract/dashboard.js";
import type { CancelledSubscription } from "../../db/repositories/cancellation-answers.js";
import type { EventRow } from "../../db/schema.js";
import { toApiEvent, toV1Event } from "../../presenters/event.js";
import { CSV_COLUMNS, csvRow } from "../../presenters/event-csv.js";
import { membershipOf } from "../auth/require-account.js";
import { eventSearchOf } from "./account-events.js";

async function* jsonArray(events: AsyncIterable<[EventRow, CancelledSubscription[]]>) {
  yield "[";
  let first = true;
  for await (const [row, cancelled] of events) {
    yield `${first ? "\n" : ",\n"}${JSON.stringify(toV1Event(row, cancelled))}`;
    first = false;
  }
  yield "\n]\n";
}

/** CSV or JSON download of the events of the current filter, streamed page by page. */
export async function exportRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    "/export",
    { schema: { params: AccountParams, querystring: ExportQuery } },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const accountId = membershipOf(request).account_id;
      const events = app.queries.eachEvent(eventSearchOf(accountId, query));
      const day = new Date().toISOString().slice(0, 10);
      reply
        .header("cache-control", "no-store")
        .header(
          "content-disposition",
          `attachment; filename="cancellation-events-${day}.${format}"`,
        );
      if (format === "json") {
        const paired = app.repos.cancellationAnswers.withSubscriptions(accountId, events);
        return reply.type("application/json; charset=utf-8").send(Readable.from(jsonArray(paired)));
      }
      const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
      Readable.from(
        (async function* () {
          for await (const row of events) yield csvRow(toApiEvent(row));
        })(),
      ).pipe(csv);
      return reply.type("text/csv; charset=utf-8").send(csv);
    },
  );
}

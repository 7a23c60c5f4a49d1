import type { InjectOptions, LightMyRequestResponse } from "fastify";
import type { Database } from "../../src/db/database.js";
import { createEventsRepository, newEventRow } from "../../src/db/repositories/events.js";
import type { EventRow } from "../../src/db/schema.js";
import type { TestServer } from "./server.js";

export const V1 = "/v1/cancellation_insights";

export type V1Call = (
  method: InjectOptions["method"],
  path: string,
  options?: { payload?: unknown; headers?: Record<string, string> },
) => Promise<LightMyRequestResponse>;

/** REST API calls through app.inject with `key` (the server's account's key by default). */
export function v1Client(server: TestServer, key = server.secretKey): V1Call {
  return (method, path, options = {}) =>
    server.app.inject({
      method,
      url: `${V1}${path}`,
      headers: { authorization: `Bearer ${key}`, ...options.headers },
      ...(options.payload === undefined
        ? {}
        : { payload: options.payload as InjectOptions["payload"] }),
    });
}

/** `POST /api/widget/events` as the widget sends it (JSON as text/plain), through app.inject. */
export function postWidgetEvent(
  server: Pick<TestServer, "app">,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return server.app.inject({
    method: "POST",
    url: "/api/widget/events",
    headers: { "content-type": "text/plain", ...headers },
    payload: JSON.stringify(body),
  });
}

/** Everything the API can change, to show a refused request changed nothing. */
export async function snapshot(db: Database) {
  const [events, reasons, keys, accounts] = await Promise.all([
    db.selectFrom("events").selectAll().orderBy("id").execute(),
    db.selectFrom("reasons").selectAll().orderBy("id").execute(),
    db.selectFrom("api_idempotency_keys").selectAll().orderBy("key").execute(),
    db.selectFrom("accounts").selectAll().orderBy("id").execute(),
  ]);
  return JSON.parse(JSON.stringify({ events, reasons, keys, accounts }));
}

/** An event written straight to the database, as the widget would have stored it. */
export async function storeEvent(
  db: Database,
  row: Partial<EventRow> & Pick<EventRow, "account_id">,
): Promise<EventRow> {
  const full = newEventRow({
    kind: "answer",
    source: "widget",
    customer_oid: "cus_stored",
    ...row,
  });
  await createEventsRepository(db).insertNew([full]);
  return full;
}

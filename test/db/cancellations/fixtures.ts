import type { DatabaseHandle } from "../../../src/db/database.js";
import { newId } from "../../../src/db/ids.js";
import type { RecordCancellation } from "../../../src/db/repositories/cancellations.js";
import { createRepositories, type Repositories } from "../../../src/db/repositories/index.js";
import type { EventRow, NewEvent, Reason } from "../../../src/db/schema.js";
import { testSecrets } from "../../helpers/secrets.js";

/** An account with its default reasons, and the repositories over the database. */
export async function accountWithReasons(
  database: DatabaseHandle,
  name = "Cancellations",
): Promise<{ accountId: string; reasons: Reason[]; repos: Repositories }> {
  const repos = createRepositories(database.db, { secrets: testSecrets });
  const { account } = await repos.accounts.create(name);
  return { accountId: account.id, reasons: await repos.reasons.list(account.id), repos };
}

const DAY = 86_400_000;
/** When the fixture cancellation is requested. */
export const REQUESTED = Date.parse("2026-03-10T12:00:00Z");
/** A time `days` (may be fractional or negative) from the fixture cancellation's request. */
export const daysFromRequest = (days: number) => new Date(REQUESTED + days * DAY);

/** A voluntary cancellation at period end through the portal, set to end; `extra` overrides. */
export function cancellation(
  accountId: string,
  extra: Partial<RecordCancellation> = {},
): RecordCancellation {
  return {
    account_id: accountId,
    connection_id: "bcn_test",
    subscription_id: "sub_1",
    customer_id: "cus_1",
    test_mode: false,
    path: "portal",
    timing: "period_end",
    state: "scheduled",
    requested_at: new Date(REQUESTED),
    ends_at: new Date("2026-04-01T00:00:00Z"),
    lost_mrr: { amount: 5000, currency: "usd" },
    plan: "Pro",
    ...extra,
  };
}

/**
 * Stores an answer (or another kind of event) as ingest would, and returns its row. An
 * answer without a reason given gets the account's first one.
 */
export async function storeAnswer(
  database: DatabaseHandle,
  accountId: string,
  extra: Partial<NewEvent> = {},
): Promise<EventRow> {
  const isAnswer = (extra.kind ?? "answer") === "answer";
  const first = await database.db
    .selectFrom("reasons")
    .select(["id", "text"])
    .where("account_id", "=", accountId)
    .orderBy("sort_key")
    .executeTakeFirstOrThrow();
  return database.db
    .insertInto("events")
    .values({
      account_id: accountId,
      id: newId("evt"),
      kind: "answer",
      source: "widget",
      reason_id: isAnswer ? first.id : null,
      reason_text: isAnswer ? first.text : null,
      comment: null,
      customer_oid: "cus_1",
      subscription_oids: [],
      test_mode: false,
      idempotency_key: null,
      locale: null,
      mrr_amount: null,
      mrr_currency: null,
      created_at: new Date("2026-03-10T11:00:00Z"),
      ...extra,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

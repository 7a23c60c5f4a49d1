import { once } from "node:events";
import { stringify } from "csv-stringify";
import { type ApiEvent, toApiEvent } from "../../db/api-event.js";
import { createAccountsRepository } from "../../db/repositories/accounts.js";
import { createEventsRepository } from "../../db/repositories/events.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand, withDatabase } from "../options.js";

const CSV_COLUMNS = [
  "id",
  "created_at",
  "kind",
  "source",
  "reason_id",
  "reason",
  "comment",
  "customer_oid",
  "subscription_oids",
  "test_mode",
  "install_check",
  "locale",
  "mrr_amount",
  "mrr_currency",
] as const;

/**
 * Spreadsheets run cells starting with = + - @ (or tab / CR) as formulas: a customer's
 * comment must never become one, so such cells get a leading apostrophe.
 */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvRow(event: ApiEvent): string[] {
  const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    ...event,
    subscription_oids: event.subscription_oids.join(" "),
    mrr_amount: event.mrr?.amount,
    mrr_currency: event.mrr?.currency,
  };
  return CSV_COLUMNS.map((column) => csvCell(flat[column]));
}

async function write(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, "drain");
}

export async function exportCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    account: { type: "string" },
    format: { type: "string" },
    "include-test": { type: "boolean" },
  });
  const accountId = values.account;
  if (typeof accountId !== "string" || !accountId) throw new CliError("--account ID is required.");
  const format = (values.format as string | undefined) ?? "json";
  if (format !== "json" && format !== "csv") {
    throw new CliError(`--format must be json or csv, got "${format}".`);
  }
  await withDatabase(configFrom(values), async ({ db }) => {
    if (!(await createAccountsRepository(db).find(accountId))) {
      throw new CliError(`No account with id "${accountId}".`);
    }
    const rows = createEventsRepository(db).iterate(accountId, {
      includeTest: Boolean(values["include-test"]),
    });
    if (format === "json") {
      for await (const row of rows)
        await write(process.stdout, `${JSON.stringify(toApiEvent(row))}\n`);
      return;
    }
    const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
    csv.pipe(process.stdout);
    for await (const row of rows) {
      if (!csv.write(csvRow(toApiEvent(row)))) await once(csv, "drain");
    }
    csv.end();
    await once(csv, "end");
  });
}

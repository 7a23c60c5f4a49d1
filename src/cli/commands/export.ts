import { once } from "node:events";
import { stringify } from "csv-stringify";
import { createAccountsRepository } from "../../db/repositories/accounts.js";
import { createCancellationAnswersRepository } from "../../db/repositories/cancellation-answers.js";
import { createEventsRepository } from "../../db/repositories/events.js";
import { toApiEvent, toV1Event } from "../../presenters/event.js";
import { CSV_COLUMNS, csvRow } from "../../presenters/event-csv.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand, withSecrets } from "../options.js";

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
  await withSecrets(configFrom(values), async ({ db }, secrets) => {
    if (!(await createAccountsRepository(db, { secrets }).find(accountId))) {
      throw new CliError(`No account with id "${accountId}".`);
    }
    const rows = createEventsRepository(db).iterate(accountId, {
      includeTest: Boolean(values["include-test"]),
    });
    if (format === "json") {
      const paired = createCancellationAnswersRepository(db).withSubscriptions(accountId, rows);
      for await (const [row, cancelled] of paired)
        await write(process.stdout, `${JSON.stringify(toV1Event(row, cancelled))}\n`);
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

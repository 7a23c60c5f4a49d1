import { configFrom, parseCommand, withDatabase } from "../options.js";

export async function migrateCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {});
  // A migration of a big table may take long: no statement timeout here.
  await withDatabase(
    configFrom(values),
    async (_database, applied) => {
      console.log(
        applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.",
      );
    },
    { queryTimeoutMs: 0 },
  );
}

import { type ParseArgsConfig, parseArgs } from "node:util";
import { type Config, loadConfig } from "../config.js";
import { type DatabaseHandle, openDatabase } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";
import type { Keyring } from "../db/secrets/keyring.js";
import { CliError } from "./cli-error.js";
import { prepareConfiguredSecrets } from "./secrets-key.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. */
const COMMON: Options = {
  "data-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
};

export function parseCommand<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON, ...options }, strict: true });
  } catch (error) {
    throw new CliError((error as Error).message.split("\n")[0]);
  }
}

export function configFrom(values: Record<string, unknown>): Config {
  return loadConfig(process.env, {
    dataDir: values["data-dir"] as string | undefined,
    port: values.port as string | undefined,
    host: values.host as string | undefined,
  });
}

/**
 * Opens and migrates the configured database, runs `work` with it and the names of the
 * migrations applied just now, and always closes it.
 */
export async function withDatabase<T>(
  config: Config,
  work: (database: DatabaseHandle, applied: string[]) => Promise<T>,
  options: { queryTimeoutMs?: number } = {},
): Promise<T> {
  const database = await openConfiguredDatabase(config, options);
  try {
    const applied = await migrateToLatest(database.db);
    return await work(database, applied);
  } finally {
    await database.close();
  }
}

/**
 * `withDatabase`, with the secrets key checked against the database and plaintext secrets
 * sealed first: for every command that reads or writes data through repositories.
 */
export function withSecrets<T>(
  config: Config,
  work: (database: DatabaseHandle, secrets: Keyring) => Promise<T>,
): Promise<T> {
  return withDatabase(config, async (database) => {
    const { keyring } = await prepareConfiguredSecrets(config, database.db);
    return work(database, keyring);
  });
}

/** The database the configuration names, with its timeouts (`queryTimeoutMs` may lift them). */
export function openConfiguredDatabase(
  config: Config,
  options: { queryTimeoutMs?: number } = {},
): Promise<DatabaseHandle> {
  return openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    queryTimeoutMs: options.queryTimeoutMs ?? config.databaseQueryTimeoutMs,
  });
}

export function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new CliError(`--${name} must be a whole number >= 0, got "${raw}".`);
  }
  return value;
}

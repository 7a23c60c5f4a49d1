import { pino } from "pino";
import { migrateToLatest } from "../../db/migrate.js";
import type { PreparedSecrets } from "../../db/secrets/prepare.js";
import { loggerOptions } from "../../server/logging.js";
import { createWorker } from "../../server/worker.js";
import { configFrom, openConfiguredDatabase, parseCommand } from "../options.js";
import { prepareConfiguredSecrets, secretsNotice } from "../secrets-key.js";

/**
 * Delivers webhooks and runs jobs until SIGINT or SIGTERM, beside any number of servers and
 * other workers on the same PostgreSQL (with PGlite the server's own worker does it: one
 * process only).
 */
export async function workerCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {});
  const config = configFrom(values);
  const log = pino(loggerOptions(config.logLevel));
  const database = await openConfiguredDatabase(config);
  let prepared: PreparedSecrets;
  try {
    await migrateToLatest(database.db);
    prepared = await prepareConfiguredSecrets(config, database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const notice = secretsNotice(prepared, config);
  log.info(
    { key_id: prepared.keyring.sealingKeyId, encrypted_now: prepared.sealedNow },
    [`secrets key: ${notice.key}`, ...notice.notes].join(" "),
  );
  const worker = createWorker({ config, database, secrets: prepared.keyring, log });
  const shutdown = async (signal: string) => {
    log.info({ signal }, "worker stopping");
    await worker.stop();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  worker.start();
  log.info("worker started: webhook deliveries and jobs");
}

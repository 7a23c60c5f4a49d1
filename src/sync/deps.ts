import type { Clock } from "../billing/clock.js";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import { createRepositories, type Repositories } from "../db/repositories/index.js";
import type { Keyring } from "../db/secrets/keyring.js";
import type { WorkerLogger } from "../jobs/work-queue.js";

/** What the sync needs, given by its caller: a server route, a job, the CLI. */
export interface SyncDeps {
  db: Database;
  secrets: Keyring;
  config: Pick<Config, "stripe">;
  log: WorkerLogger;
  /** The providers' rate limiters and retries wait on it (tests: a virtual clock). */
  clock?: Clock;
}

export function reposOf(deps: Pick<SyncDeps, "db" | "secrets">): Repositories {
  return createRepositories(deps.db, { secrets: deps.secrets });
}

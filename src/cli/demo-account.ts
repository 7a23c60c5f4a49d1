import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import type { Keyring } from "../db/secrets/keyring.js";
import { type CreatedDemo, createDemoAccount } from "../demo/demo-account.js";

/**
 * Makes the demo account from the CLI (`start` on a fresh embedded database, `demo`). The
 * sync's log is kept to errors: the newcomer's terminal shows the start-up lines only.
 */
export function createDemo(
  config: Config,
  db: Database,
  secrets: Keyring,
  options: { answers?: number; seed?: number } = {},
): Promise<CreatedDemo> {
  const log = {
    debug() {},
    info() {},
    error(_details: object, message: string) {
      console.error(`cancel-insights: demo: ${message}`);
    },
  };
  return createDemoAccount(
    { db, secrets, config, log },
    { answers: options.answers ?? 300, seed: options.seed ?? 42 },
  );
}

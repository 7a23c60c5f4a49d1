import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import type { Keyring } from "../db/secrets/keyring.js";
import { type CreatedDemo, createDemoAccount } from "../demo/demo-account.js";
import { type DemoOffers, startDemoOffers } from "../demo/demo-offers.js";

/**
 * Makes the demo account from the CLI (`start` on a fresh embedded database, `demo`). The
 * sync's log is kept to errors: the newcomer's terminal shows the start-up lines only.
 */
const log = {
  debug() {},
  info() {},
  error(_details: object, message: string) {
    console.error(`cancel-insights: demo: ${message}`);
  },
};

export function createDemo(
  config: Config,
  db: Database,
  secrets: Keyring,
  options: { answers?: number; seed?: number } = {},
): Promise<CreatedDemo> {
  return createDemoAccount(
    { db, secrets, config, log },
    { answers: options.answers ?? 300, seed: options.seed ?? 42 },
  );
}

/**
 * The demo's offer, live for this run (`start`); null when it could not start, as /demo then
 * still works with a made-up customer, only without the offer.
 */
export async function serveDemoOffers(
  config: Config,
  db: Database,
  secrets: Keyring,
  accountId: string,
): Promise<DemoOffers | null> {
  try {
    return await startDemoOffers({ db, secrets, config, log }, accountId);
  } catch (error) {
    console.error(`cancel-insights: demo: the offer's fake Stripe did not start: ${error}`);
    return null;
  }
}

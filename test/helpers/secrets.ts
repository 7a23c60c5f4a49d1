import { createHash } from "node:crypto";
import { encodeKey } from "../../src/db/secrets/key-file.js";
import { createKeyring } from "../../src/db/secrets/keyring.js";

/** A fixed key, so that the test process and the CLI processes it starts share it. */
const TEST_KEY = createHash("sha256").update("cancel-insights test key").digest();

/** The key as SECRETS_KEY gives it to a CLI process. */
export const TEST_SECRETS_KEY = encodeKey(TEST_KEY);

/** The keyring test servers and repositories seal with. */
export const testSecrets = createKeyring([TEST_KEY]);

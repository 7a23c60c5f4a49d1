import type { ProviderKind } from "../../billing/provider-kind.js";
import { providerKind } from "../../billing/providers.js";
import type { Config } from "../../config.js";
import type { Database } from "../../db/database.js";
import type { Keyring } from "../../db/secrets/keyring.js";
import { connectBilling, disconnectBilling } from "../../sync/connect.js";
import type { SyncDeps } from "../../sync/deps.js";
import { reposOf } from "../../sync/deps.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand, withSecrets } from "../options.js";

/** The CLI says what went wrong itself, in one line: the sync's own log stays quiet. */
const QUIET = { debug() {}, info() {}, error() {} };

export function cliSyncDeps(db: Database, secrets: Keyring, config: Config): SyncDeps {
  return { db, secrets, config, log: QUIET };
}

function required(values: Record<string, unknown>, name: string, example: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw new CliError(`--${name} ${example} is required.`);
  }
  return value.trim();
}

async function connect(kind: ProviderKind, argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    account: { type: "string" },
    key: { type: "string" },
    "webhook-secret": { type: "string" },
  });
  const accountId = required(values, "account", "ID");
  const apiKey = required(values, "key", kind.docs.keyExample);
  const webhookSecret =
    typeof values["webhook-secret"] === "string" ? values["webhook-secret"] : null;
  const config = configFrom(values);
  await withSecrets(config, async ({ db }, secrets) => {
    const connection = await connectBilling(cliSyncDeps(db, secrets, config), accountId, {
      provider: kind.name,
      apiKey,
      webhookSecret,
    });
    console.log(
      `Connection:   ${connection.id} (${connection.mode} mode, key ${connection.api_key_hint})`,
    );
    console.log(`Webhook URL:  ${config.publicUrl}/webhooks/${kind.name}/${connection.id}`);
    console.log(`Events:       ${kind.docs.webhookEvents.join(", ")}`);
    if (!webhookSecret) {
      console.log(
        `Add the endpoint in ${kind.label}, then: cancel-insights ${kind.name} webhook-secret --account ${accountId} --connection ${connection.id} --secret ${kind.docs.webhookSecretExample}`,
      );
    }
    console.log("A first sync is queued for the worker; `cancel-insights sync` runs it here.");
  });
}

async function disconnect(_kind: ProviderKind, argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    account: { type: "string" },
    connection: { type: "string" },
  });
  const accountId = required(values, "account", "ID");
  const connectionId = required(values, "connection", "ID");
  const config = configFrom(values);
  await withSecrets(config, async ({ db }, secrets) => {
    await disconnectBilling(cliSyncDeps(db, secrets, config), accountId, connectionId);
    console.log(`Disconnected ${connectionId}: its key is gone, its data stays as history.`);
  });
}

/** The signing secret of the endpoint added at the provider, known once the URL exists there. */
async function webhookSecret(kind: ProviderKind, argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    account: { type: "string" },
    connection: { type: "string" },
    secret: { type: "string" },
  });
  const accountId = required(values, "account", "ID");
  const connectionId = required(values, "connection", "ID");
  const secret = required(values, "secret", kind.docs.webhookSecretExample);
  if (!kind.isWebhookSecret(secret)) {
    throw new CliError(
      `--secret: a ${kind.label} webhook signing secret looks like ${kind.docs.webhookSecretExample}`,
    );
  }
  const config = configFrom(values);
  await withSecrets(config, async ({ db }, secrets) => {
    const repos = reposOf({ db, secrets });
    const connection = await repos.billingConnections.get(accountId, connectionId);
    if (connection?.status !== "active" || connection.provider !== kind.name) {
      throw new CliError(
        `No active ${kind.label} connection ${connectionId} in account ${accountId}.`,
      );
    }
    await repos.billingConnections.setWebhookSecret(accountId, connectionId, secret);
    console.log(`Webhook signing secret stored (encrypted) for ${connectionId}.`);
  });
}

async function list(_kind: ProviderKind, argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { account: { type: "string" } });
  const accountId = required(values, "account", "ID");
  const config = configFrom(values);
  await withSecrets(config, async ({ db }, secrets) => {
    const connections = await reposOf({ db, secrets }).billingConnections.listForAccount(accountId);
    if (connections.length === 0) console.log("No billing connections.");
    for (const c of connections) {
      const error = c.last_error ? `  last error: ${c.last_error.code}` : "";
      const secret = c.status === "active" && !c.has_webhook_secret ? "  no webhook secret" : "";
      console.log(
        `${c.id}  ${c.provider}  ${c.mode}  ${c.status}  ${c.api_key_hint ?? ""}${secret}${error}`,
      );
    }
  });
}

const ACTIONS: Record<string, (kind: ProviderKind, argv: string[]) => Promise<void>> = {
  connect,
  "webhook-secret": webhookSecret,
  disconnect,
  list,
};

/**
 * `cancel-insights <provider> <action>` for a registered provider (`stripe connect ...`):
 * connect, webhook-secret, disconnect, list. Listing shows every provider's connections.
 */
export function billingCommand(provider: string) {
  return async (argv: string[]): Promise<void> => {
    const kind = providerKind(provider);
    const [action, ...rest] = argv;
    const run = action ? ACTIONS[action] : undefined;
    if (!run) {
      const actions = Object.keys(ACTIONS).map((a) => `${kind.name} ${a}`);
      throw new CliError(
        `Unknown ${kind.name} action "${action ?? ""}". Try: ${actions.join(", ")}.`,
      );
    }
    await run(kind, rest);
  };
}

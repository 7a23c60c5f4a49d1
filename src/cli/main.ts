import { BillingError } from "../billing/billing-error.js";
import { DomainError } from "../db/domain-error.js";
import { AppError } from "../errors.js";
import { CliError } from "./cli-error.js";

const USAGE = `Usage: cancel-insights <command> [options]

Commands:
  start [--port 3000] [--host 127.0.0.1] [--demo]
                                           migrate, then serve; the embedded database gets a demo
                                           account when empty, PostgreSQL only with --demo
  migrate                                  bring the database schema up to date
  demo [--events N]                        create a demo account filled with N realistic events (default 500)
  snippet --token ID                       print the embed snippet for an access token
  account create --name NAME [--email E --password P] [--json]
                                           create an account (owned by that user, created if new);
                                           --json prints account_id, access_token_id, secret_key
  user create --email E --password P [--account ID] [--role owner|member] [--json]
                                           create a user who signs in to the dashboard; the first
                                           user owns every existing account
  export --account ID [--format json|csv] [--include-test]
                                           print every event of an account (JSON lines or CSV)
  worker                                   deliver webhooks, run jobs (also in start, unless WORKER=off)
  stripe connect --account ID --key rk_... [--webhook-secret whsec_...]
                                           connect a Stripe account (a restricted key with read
                                           access); prints the webhook URL and events to set up
  stripe webhook-secret --account ID --connection ID --secret whsec_...
                                           store the signing secret of the endpoint added in Stripe
  stripe disconnect --account ID --connection ID
                                           forget the key; the synced data stays as history
  stripe list --account ID                 the account's billing connections
  sync --account ID [--connection ID]      run the billing backfill here, with its progress
                                           (resumes one that stopped)
  secrets status [--json]                  which keys encrypt how many stored secrets
  secrets rotate                           re-encrypt every stored secret with the first key of SECRETS_KEY
                                           (without it: with a new key put in DATA_DIR/secrets.key)
  secrets new-key                          print a new key for SECRETS_KEY

Every command takes --data-dir DIR (embedded PGlite, default ./data) and honours DATABASE_URL.`;

type Command = (argv: string[]) => Promise<void>;

/*
 * Each command is loaded when it runs, with only the packages it needs: `--help`, a mistyped
 * option or `snippet` start in a fraction of the time loading Fastify, PGlite and the Stripe
 * SDK for every command took (bin/build-server.js splits the bundle along these imports).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import("./commands/start.js")).startCommand,
  migrate: async () => (await import("./commands/migrate.js")).migrateCommand,
  demo: async () => (await import("./commands/demo.js")).demoCommand,
  snippet: async () => (await import("./commands/snippet.js")).snippetCommand,
  account: async () => (await import("./commands/account.js")).accountCommand,
  user: async () => (await import("./commands/user.js")).userCommand,
  export: async () => (await import("./commands/export.js")).exportCommand,
  worker: async () => (await import("./commands/worker.js")).workerCommand,
  secrets: async () => (await import("./commands/secrets.js")).secretsCommand,
  sync: async () => (await import("./commands/sync.js")).syncCommand,
};

/**
 * The loader of the command of that name. `stripe connect ...`: a command for each
 * registered billing provider, so the registry is asked only for a name no other command has.
 */
async function commandNamed(name: string): Promise<(() => Promise<Command>) | undefined> {
  if (Object.hasOwn(COMMANDS, name)) return COMMANDS[name];
  const { providerKinds } = await import("../billing/providers.js");
  if (!providerKinds().some((kind) => kind.name === name)) return undefined;
  return async () => (await import("./commands/billing.js")).billingCommand(name);
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return;
  }
  const load = await commandNamed(name);
  if (!load) throw new CliError(`Unknown command "${name}". Run "cancel-insights --help".`);
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const command = await load();
  await command(rest);
}

// `export ... | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof BillingError) {
    // Ours, and safe to show: the provider's own message may quote the key.
    console.error(`cancel-insights: ${error.message} (${error.code})`);
    process.exitCode = 1;
    return;
  }
  if (error instanceof CliError || error instanceof AppError || error instanceof DomainError) {
    console.error(`cancel-insights: ${error.message}`);
    process.exitCode = error instanceof CliError ? 2 : 1;
    return;
  }
  console.error(error);
  process.exitCode = 1;
});

import { BillingError } from "../billing/billing-error.js";
import { providerKinds } from "../billing/providers.js";
import { DomainError } from "../db/domain-error.js";
import { AppError } from "../errors.js";
import { CliError } from "./cli-error.js";
import { accountCommand } from "./commands/account.js";
import { billingCommand } from "./commands/billing.js";
import { demoCommand } from "./commands/demo.js";
import { exportCommand } from "./commands/export.js";
import { migrateCommand } from "./commands/migrate.js";
import { secretsCommand } from "./commands/secrets.js";
import { snippetCommand } from "./commands/snippet.js";
import { startCommand } from "./commands/start.js";
import { syncCommand } from "./commands/sync.js";
import { userCommand } from "./commands/user.js";
import { workerCommand } from "./commands/worker.js";

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

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  start: startCommand,
  migrate: migrateCommand,
  demo: demoCommand,
  snippet: snippetCommand,
  account: accountCommand,
  user: userCommand,
  export: exportCommand,
  worker: workerCommand,
  secrets: secretsCommand,
  // `stripe connect ...`: a command for each registered billing provider.
  ...Object.fromEntries(providerKinds().map((kind) => [kind.name, billingCommand(kind.name)])),
  sync: syncCommand,
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`Unknown command "${name}". Run "cancel-insights --help".`);
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(USAGE);
    return;
  }
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

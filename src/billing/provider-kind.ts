import type { Config } from "../config.js";
import type { Clock } from "./clock.js";
import type { BillingMode, BillingProvider } from "./provider.js";

/** What a provider kind may read of the configuration to build a provider. */
export type ProviderConfig = Pick<Config, "stripe">;

export interface ProviderBuild {
  apiKey: string;
  config: ProviderConfig;
  /** The provider's rate limiter and retries wait on it (tests: a virtual clock). */
  clock?: Clock;
}

/** What people are told to connect a provider: the dashboard, the CLI and the API show it. */
export interface ProviderDocs {
  /** Where in the provider's own dashboard the key is made. */
  keyHelp: string;
  /** Where in the provider's own dashboard the webhook endpoint is added. */
  webhookHelp: string;
  /** `rk_live_…`: what a key looks like. */
  keyExample: string;
  /** `whsec_…`: what the webhook endpoint's signing secret looks like. */
  webhookSecretExample: string;
  /** The read permissions the key needs (docs/billing.md says why each). */
  readPermissions: readonly string[];
  /** The provider's event types its webhook endpoint should send. */
  webhookEvents: readonly string[];
}

/**
 * One billing provider as the rest of the product knows it: its name (in the database, the
 * API and the webhook URL `/webhooks/<name>/:connection_id`), how to tell a key's mode, how
 * to build a BillingProvider over a key (which lists, fetches and checks its webhooks), and
 * what to tell people. Registered once in src/billing/providers.ts.
 */
export interface ProviderKind {
  /** Lower case letters, digits and `_`, starting with a letter (PROVIDER_NAME). */
  readonly name: string;
  /** As people write it: `Stripe`. */
  readonly label: string;
  /** Live or test from the key alone; BillingError `invalid_key` for a key of another shape. */
  keyMode(apiKey: string): BillingMode;
  /** Whether a text has the shape of its webhook signing secrets (a pasted key does not). */
  isWebhookSecret(secret: string): boolean;
  /** A provider over the key; nothing is asked of the provider until it is used. */
  create(build: ProviderBuild): BillingProvider;
  readonly docs: ProviderDocs;
}

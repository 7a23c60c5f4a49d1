import type { ProviderKind } from "../provider-kind.js";
import { stripeKeyMode } from "./client.js";
import { STRIPE_EVENT_TYPES } from "./events.js";
import { createStripeProvider } from "./provider.js";

/**
 * What the restricted key must be allowed to read (docs/billing.md, "The restricted key"):
 * Stripe Dashboard → Developers → API keys → Create restricted key.
 */
export const STRIPE_READ_PERMISSIONS = [
  "Customers: Read",
  "Subscriptions: Read",
  "Prices: Read",
  "Products: Read",
  "Coupons: Read",
  "Events: Read",
] as const;

/** Stripe, through the official SDK. */
export const stripeKind: ProviderKind = {
  name: "stripe",
  label: "Stripe",
  keyMode: stripeKeyMode,
  isWebhookSecret: (secret) => secret.startsWith("whsec_"),
  create: ({ apiKey, config, clock }) =>
    createStripeProvider({ apiKey, settings: config.stripe, clock }),
  docs: {
    keyHelp: "Stripe Dashboard → Developers → API keys → Create restricted key",
    webhookHelp: "Stripe Dashboard → Developers → Webhooks → Add endpoint",
    keyExample: "rk_live_…",
    webhookSecretExample: "whsec_…",
    readPermissions: STRIPE_READ_PERMISSIONS,
    webhookEvents: STRIPE_EVENT_TYPES,
  },
};

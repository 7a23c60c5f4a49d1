import { AppError } from "../errors.js";
import type { ProviderKind } from "./provider-kind.js";
import { stripeKind } from "./stripe/kind.js";

/**
 * The billing providers this install knows, by name. Everything outside a provider's own
 * folder (connecting, the webhook route, the sync, the CLI, the dashboard's list through the
 * API) finds a provider here, so another one is its folder plus one line below.
 */
const kinds = new Map<string, ProviderKind>();

/** A provider's name: it goes in URLs and in `billing_connections.provider` (migration 0018). */
export const PROVIDER_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * Adds a kind; the returned function takes it out again (a test's own kind). A second kind
 * of one name is a programming error, refused.
 */
export function registerProviderKind(kind: ProviderKind): () => void {
  if (!PROVIDER_NAME.test(kind.name)) {
    throw new Error(`A provider name is lower case letters, digits and _: not "${kind.name}".`);
  }
  if (kinds.has(kind.name)) throw new Error(`The provider "${kind.name}" is registered already.`);
  kinds.set(kind.name, kind);
  return () => {
    if (kinds.get(kind.name) === kind) kinds.delete(kind.name);
  };
}

/** The kind of that name, or AppError `unknown_provider` on `field`. */
export function providerKind(name: string, field = "provider"): ProviderKind {
  const kind = kinds.get(name);
  if (!kind) {
    const known = [...kinds.keys()].join(", ");
    throw new AppError("unknown_provider", `${field} must be one of: ${known}.`, { field });
  }
  return kind;
}

/** Every kind, in the order registered. */
export function providerKinds(): ProviderKind[] {
  return [...kinds.values()];
}

registerProviderKind(stripeKind);

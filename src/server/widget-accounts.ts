import type { FastifyRequest } from "fastify";
import type { Repositories } from "../db/repositories/index.js";
import type { Reason, WidgetTextOverrides } from "../db/schema.js";
import { AppError } from "../errors.js";
import type { TokenGuessGuard } from "./token-guess-guard.js";

export interface WidgetAccount {
  accountId: string;
  name: string;
  verifyCustomers: boolean;
  customerHashSecret: string;
  /** The widget's fixed language, or null for each customer's own. */
  locale: string | null;
  brandColor: string;
  /** Names the current logo's public URL; null without one. */
  logoHash: string | null;
  textOverrides: WidgetTextOverrides;
  /** Origins allowed to use the widget; empty allows any. */
  allowedOrigins: string[];
  /** Shown in the widget, in order. */
  activeReasons: Reason[];
  /** Every reason, archived too: a widget loaded before an archive may still send one. */
  reasonsById: Map<string, Reason>;
  /** Some offer is active, so the widget should load its offer step. */
  hasOffers: boolean;
}

/**
 * What the public widget routes need for a token, cached for `ttlMs` so ingest does not
 * hit the database twice per event. A revoked token, an edited reason, a new logo or an
 * offer turned on or off shows within ttlMs.
 */
export function createWidgetAccounts(
  repos: Pick<Repositories, "embedTokens" | "accounts" | "reasons" | "widgetLogos" | "offers">,
  ttlMs: number,
  guard: TokenGuessGuard,
) {
  const { embedTokens: tokens, accounts, reasons, widgetLogos: logos, offers } = repos;
  const cache = new Map<string, { expires: number; value: Promise<WidgetAccount | undefined> }>();

  async function load(tokenId: string): Promise<WidgetAccount | undefined> {
    const accountId = await tokens.accountOf(tokenId);
    if (!accountId) return undefined;
    const [account, all, logo, offered] = await Promise.all([
      accounts.find(accountId),
      reasons.list(accountId, { includeArchived: true }),
      logos.info(accountId),
      offers.list(accountId),
    ]);
    if (!account) return undefined;
    return {
      accountId: account.id,
      name: account.name,
      verifyCustomers: account.verify_customers,
      customerHashSecret: account.customer_hash_secret,
      locale: account.widget_locale,
      brandColor: account.brand_color,
      logoHash: logo?.hash ?? null,
      textOverrides: account.widget_texts,
      allowedOrigins: account.allowed_origins,
      activeReasons: all.filter((r) => r.archived_at === null),
      reasonsById: new Map(all.map((r) => [r.id, r])),
      hasOffers: offered.some((o) => o.active),
    };
  }

  return {
    /**
     * The token's account, or an `invalid_access_token` error; `rate_limited` when the
     * client at `ip` has named too many unknown tokens lately.
     */
    async resolve(tokenId: string, ip: string): Promise<WidgetAccount> {
      guard.check(ip);
      const now = Date.now();
      let entry = cache.get(tokenId);
      if (!entry || entry.expires <= now) {
        entry = { expires: now + ttlMs, value: load(tokenId) };
        // Failed lookups are not cached: the next request asks the database again.
        entry.value.catch(() => cache.delete(tokenId));
        if (ttlMs > 0) cache.set(tokenId, entry);
        // Bounded: tokens of deleted or idle accounts must not pile up forever.
        if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
      }
      const account = await entry.value;
      if (!account) {
        guard.failed(ip);
        throw new AppError("invalid_access_token", undefined, { field: "access_token_id" });
      }
      return account;
    },
  };
}

export type WidgetAccounts = ReturnType<typeof createWidgetAccounts>;

/**
 * An account that lists its sites refuses the widget on any other. Browsers always send
 * Origin on these cross-origin calls; a call without one is not from a page, and an
 * allow-list could not stop it anyway (any client can claim any Origin).
 */
export function checkOrigin(account: WidgetAccount, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (account.allowedOrigins.length === 0 || origin === undefined) return;
  if (!account.allowedOrigins.includes(origin)) {
    throw new AppError("origin_not_allowed", `${origin} may not use this widget.`, {
      field: "origin",
    });
  }
}

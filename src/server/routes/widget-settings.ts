import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import type { Static } from "typebox";
import { AccountParams } from "../../contract/accounts.js";
import { WidgetSettingsBody, WidgetSettingsReply } from "../../contract/dashboard.js";
import { WIDGET_LOCALES, WIDGET_TEXT_KEYS } from "../../contract/widget-texts.js";
import type { WidgetSettingsChanges } from "../../db/repositories/accounts.js";
import type { WidgetLogoInfo } from "../../db/repositories/widget-logos.js";
import type { Account, WidgetTextOverrides } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";
import { toApiLogo } from "../widget-logo.js";

function invalid(field: string, message: string): never {
  throw new AppError("validation_error", message, { field });
}

/** `https://shop.example.com` and nothing more: what browsers send as Origin. */
function checkOrigins(origins: string[]): string[] {
  return origins.map((raw, index) => {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {}
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== raw.replace(/\/$/, "")) {
      invalid(
        `allowed_origins[${index}]`,
        `"${raw}" is not an origin like https://app.example.com.`,
      );
    }
    return url.origin;
  });
}

function checkTexts(texts: WidgetTextOverrides): WidgetTextOverrides {
  const clean: WidgetTextOverrides = {};
  for (const [locale, entries] of Object.entries(texts)) {
    if (!WIDGET_LOCALES.includes(locale)) {
      invalid(`texts.${locale}`, `texts: "${locale}" is not one of ${WIDGET_LOCALES.join(", ")}.`);
    }
    const own: Record<string, string> = {};
    for (const [key, text] of Object.entries(entries)) {
      if (!(WIDGET_TEXT_KEYS as string[]).includes(key)) {
        invalid(`texts.${locale}.${key}`, `texts.${locale}: "${key}" is not a widget text.`);
      }
      // An empty text means "ours again".
      if (text.trim()) own[key] = text.trim();
    }
    if (Object.keys(own).length) clean[locale] = own;
  }
  return clean;
}

function changesOf(body: Static<typeof WidgetSettingsBody>): WidgetSettingsChanges {
  if (body.locale && !WIDGET_LOCALES.includes(body.locale)) {
    invalid("locale", `locale must be one of ${WIDGET_LOCALES.join(", ")}, or null.`);
  }
  return {
    ...(body.locale === undefined ? {} : { widget_locale: body.locale }),
    ...(body.brand_color === undefined ? {} : { brand_color: body.brand_color.toLowerCase() }),
    ...(body.texts === undefined ? {} : { widget_texts: checkTexts(body.texts) }),
    ...(body.allowed_origins === undefined
      ? {}
      : { allowed_origins: checkOrigins(body.allowed_origins) }),
    ...(body.verify_customers === undefined ? {} : { verify_customers: body.verify_customers }),
  };
}

function toReply(account: Account, logo: WidgetLogoInfo | undefined, isOwner: boolean) {
  return {
    settings: {
      locale: account.widget_locale,
      brand_color: account.brand_color,
      texts: account.widget_texts,
      allowed_origins: account.allowed_origins,
      verify_customers: account.verify_customers,
      customer_hash_secret: isOwner ? account.customer_hash_secret : null,
      available_locales: WIDGET_LOCALES,
      text_keys: WIDGET_TEXT_KEYS,
      logo: toApiLogo(account.id, logo),
    },
  };
}

/**
 * The widget as the account's customers see it: language, words, brand colour (the logo has
 * routes of its own, widget-logo.ts); which sites
 * may embed it; whether customer ids must be signed. Owners change it, members read it.
 */
export async function widgetSettingsRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const accounts = app.repos.accounts;
  const logos = app.repos.widgetLogos;

  app.get(
    "/widget-settings",
    { schema: { params: AccountParams, response: { 200: WidgetSettingsReply } } },
    async (request) => {
      const membership = membershipOf(request);
      const [account, logo] = await Promise.all([
        accounts.find(membership.account_id),
        logos.info(membership.account_id),
      ]);
      if (!account) throw new AppError("not_found", "No such account.");
      return toReply(account, logo, membership.role === "owner");
    },
  );

  app.patch(
    "/widget-settings",
    {
      onRequest: requireOwner,
      schema: {
        params: AccountParams,
        body: WidgetSettingsBody,
        response: { 200: WidgetSettingsReply },
      },
    },
    async (request) => {
      const changes = changesOf(request.body);
      const accountId = membershipOf(request).account_id;
      const [account, logo] = await Promise.all([
        accounts.updateWidgetSettings(accountId, changes),
        logos.info(accountId),
      ]);
      if (!account) throw new AppError("not_found", "No such account.");
      return toReply(account, logo, true);
    },
  );
}

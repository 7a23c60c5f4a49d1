import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { AccountParams } from "../../contract/accounts.js";
import {
  ExchangeRateParams,
  ExchangeRatesBody,
  ReportingCurrencyBody,
  ReportingCurrencyReply,
} from "../../contract/reporting-currency.js";
import type { ReportingCurrencySetting } from "../../db/repositories/reporting-currency.js";
import { AppError } from "../../errors.js";
import { isIsoCurrency } from "../../presenters/reporting-currency.js";
import { membershipOf, requireOwner } from "../auth/require-account.js";

/** A code of ISO 4217, lower case, or `validation_error` on `field`. */
function currencyOf(code: string, field: string): string {
  if (!isIsoCurrency(code)) {
    throw new AppError("validation_error", `${field} is not an ISO 4217 currency code.`, {
      field,
    });
  }
  return code.toLowerCase();
}

function shown(setting: ReportingCurrencySetting) {
  return {
    reporting_currency: setting.currency,
    rates: setting.rates.map((r) => ({
      currency: r.currency,
      rate: r.rate,
      updated_at: r.updatedAt.toISOString(),
    })),
  };
}

/**
 * The account's reporting currency and the owner's exchange rates into it: insights add a
 * total in it when every currency involved has a rate (src/presenters/reporting-currency.ts).
 * Members read; owners change.
 */
export async function reportingCurrencyRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { reportingCurrency } = app.repos;
  const reply200 = { response: { 200: ReportingCurrencyReply } };

  app.get(
    "/reporting-currency",
    { schema: { params: AccountParams, ...reply200 } },
    async (request) => shown(await reportingCurrency.get(membershipOf(request).account_id)),
  );

  app.put(
    "/reporting-currency",
    {
      onRequest: requireOwner,
      schema: { params: AccountParams, body: ReportingCurrencyBody, ...reply200 },
    },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const given = request.body.reporting_currency;
      const currency = given === null ? null : currencyOf(given, "reporting_currency");
      await reportingCurrency.setCurrency(accountId, currency);
      return shown(await reportingCurrency.get(accountId));
    },
  );

  app.post(
    "/exchange-rates",
    {
      onRequest: requireOwner,
      schema: { params: AccountParams, body: ExchangeRatesBody, ...reply200 },
    },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const rates = request.body.rates.map(({ currency, rate }, i) => {
        if (!Number.isFinite(rate) || rate <= 0) {
          throw new AppError("validation_error", "A rate is a number above 0.", {
            field: `rates[${i}].rate`,
          });
        }
        return { currency: currencyOf(currency, `rates[${i}].currency`), rate };
      });
      await reportingCurrency.setRates(accountId, rates);
      return shown(await reportingCurrency.get(accountId));
    },
  );

  app.delete(
    "/exchange-rates/:currency",
    { onRequest: requireOwner, schema: { params: ExchangeRateParams, ...reply200 } },
    async (request) => {
      const accountId = membershipOf(request).account_id;
      const currency = currencyOf(request.params.currency, "currency");
      if (!(await reportingCurrency.deleteRate(accountId, currency))) {
        throw new AppError("not_found", `No rate for ${currency}.`);
      }
      return shown(await reportingCurrency.get(accountId));
    },
  );
}

import { Type } from "typebox";

const Id = Type.String({ minLength: 1, maxLength: 100 });
/** ISO 4217, any case in requests; answers give it lower case, as providers do. */
const Currency = Type.String({ minLength: 3, maxLength: 3 });

/**
 * A total in the account's reporting currency, from the owner's rates: `amount` in its minor
 * units, or null while `missing_rates` names currencies of the total that have no rate.
 */
export const ConvertedMoney = Type.Object({
  currency: Type.String(),
  amount: Type.Union([Type.Integer(), Type.Null()]),
  missing_rates: Type.Array(Type.String()),
});

/** Null while the account has no reporting currency: totals are per currency only. */
export const MaybeConverted = Type.Union([ConvertedMoney, Type.Null()]);

export const ExchangeRate = Type.Object({
  currency: Type.String(),
  /** One unit of `currency` in the reporting currency (1 EUR = 1.08 USD: 1.08). */
  rate: Type.Number(),
  updated_at: Type.String({ format: "date-time" }),
});

export const ReportingCurrencyReply = Type.Object({
  reporting_currency: Type.Union([Type.String(), Type.Null()]),
  rates: Type.Array(ExchangeRate),
});

export const ReportingCurrencyBody = Type.Object({
  /** Null: totals per currency only. */
  reporting_currency: Type.Union([Currency, Type.Null()]),
});

export const ExchangeRatesBody = Type.Object({
  rates: Type.Array(Type.Object({ currency: Currency, rate: Type.Number() }), {
    minItems: 1,
    maxItems: 200,
  }),
});

export const ExchangeRateParams = Type.Object({ accountId: Id, currency: Type.String() });

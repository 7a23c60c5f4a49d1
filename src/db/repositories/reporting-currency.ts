import type { Database } from "../database.js";

export interface ExchangeRate {
  /** Lower case ISO 4217. */
  currency: string;
  /** One `currency` in the reporting currency, major units. */
  rate: number;
  updatedAt: Date;
}

export interface ReportingCurrencySetting {
  /** Null: totals are shown per currency only. */
  currency: string | null;
  rates: ExchangeRate[];
}

/** An account's reporting currency and the owner's rates into it (migration 0019). */
export function createReportingCurrencyRepository(db: Database) {
  return {
    async get(accountId: string): Promise<ReportingCurrencySetting> {
      const [account, rates] = await Promise.all([
        db
          .selectFrom("accounts")
          .select("reporting_currency")
          .where("id", "=", accountId)
          .executeTakeFirst(),
        db
          .selectFrom("exchange_rates")
          .select(["currency", "rate", "updated_at"])
          .where("account_id", "=", accountId)
          .orderBy("currency")
          .execute(),
      ]);
      return {
        currency: account?.reporting_currency ?? null,
        rates: rates.map((r) => ({
          currency: r.currency,
          rate: Number(r.rate),
          updatedAt: new Date(r.updated_at),
        })),
      };
    },

    async setCurrency(accountId: string, currency: string | null): Promise<void> {
      await db
        .updateTable("accounts")
        .set({ reporting_currency: currency })
        .where("id", "=", accountId)
        .execute();
    },

    /** Sets these rates, others kept; the time of each is now. */
    async setRates(accountId: string, rates: { currency: string; rate: number }[]): Promise<void> {
      if (rates.length === 0) return;
      await db
        .insertInto("exchange_rates")
        .values(rates.map((r) => ({ account_id: accountId, currency: r.currency, rate: r.rate })))
        .onConflict((oc) =>
          oc.columns(["account_id", "currency"]).doUpdateSet((eb) => ({
            rate: eb.ref("excluded.rate"),
            updated_at: new Date().toISOString(),
          })),
        )
        .execute();
    },

    /** False when there was no rate for it. */
    async deleteRate(accountId: string, currency: string): Promise<boolean> {
      const result = await db
        .deleteFrom("exchange_rates")
        .where("account_id", "=", accountId)
        .where("currency", "=", currency)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

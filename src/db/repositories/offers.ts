import type { Database } from "../database.js";
import { newId } from "../ids.js";
import type { Offer, OfferKind, OfferParams } from "../schema.js";

/** An offer as written by the dashboard, checked before (src/contract/offers.ts). */
export interface OfferInput {
  kind: OfferKind;
  title: string;
  description: string | null;
  params: OfferParams;
  reason_ids: string[];
  plan: string | null;
  min_tenure_days: number | null;
  max_tenure_days: number | null;
  billing_interval: "day" | "week" | "month" | "year" | null;
  active: boolean;
}

/**
 * The account's offer rules: one accept per customer in the window, the holdout share, and
 * the days before an accept may count as a save.
 */
export interface OfferSettingsRow {
  window_months: number;
  holdout_percent: number;
  save_days: number;
}

function columns(input: OfferInput) {
  return {
    ...input,
    params: JSON.stringify(input.params),
    reason_ids: JSON.stringify(input.reason_ids),
  };
}

const SETTINGS = [
  "offer_window_months as window_months",
  "offer_holdout_percent as holdout_percent",
  "offer_save_days as save_days",
] as const;

export function createOffersRepository(db: Database) {
  function settings(accountId: string): Promise<OfferSettingsRow> {
    return db
      .selectFrom("accounts")
      .select(SETTINGS)
      .where("id", "=", accountId)
      .executeTakeFirstOrThrow();
  }

  return {
    /** Oldest first: the first offer that fits a customer is the one shown. */
    list(accountId: string): Promise<Offer[]> {
      return db
        .selectFrom("offers")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
    },

    find(accountId: string, id: string): Promise<Offer | undefined> {
      return db
        .selectFrom("offers")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
    },

    create(accountId: string, input: OfferInput): Promise<Offer> {
      return db
        .insertInto("offers")
        .values({ id: newId("ofr"), account_id: accountId, ...columns(input) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    update(accountId: string, id: string, input: OfferInput): Promise<Offer | undefined> {
      return db
        .updateTable("offers")
        .set({ ...columns(input), updated_at: new Date() })
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
    },

    settings,

    /** Changes what is given; with nothing given, reads the settings as they are. */
    updateSettings(
      accountId: string,
      changes: Partial<OfferSettingsRow>,
    ): Promise<OfferSettingsRow> {
      const set = {
        ...(changes.window_months === undefined
          ? {}
          : { offer_window_months: changes.window_months }),
        ...(changes.holdout_percent === undefined
          ? {}
          : { offer_holdout_percent: changes.holdout_percent }),
        ...(changes.save_days === undefined ? {} : { offer_save_days: changes.save_days }),
      };
      if (Object.keys(set).length === 0) return settings(accountId);
      return db
        .updateTable("accounts")
        .set(set)
        .where("id", "=", accountId)
        .returning(SETTINGS)
        .executeTakeFirstOrThrow();
    },

    async remove(accountId: string, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom("offers")
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

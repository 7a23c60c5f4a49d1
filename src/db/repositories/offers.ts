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

function columns(input: OfferInput) {
  return {
    ...input,
    params: JSON.stringify(input.params),
    reason_ids: JSON.stringify(input.reason_ids),
  };
}

export function createOffersRepository(db: Database) {
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

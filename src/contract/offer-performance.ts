import { type Static, Type } from "typebox";
import { OfferKind } from "./offers.js";

const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });
const Count = Type.Integer({ minimum: 0 });
const Rate = Type.Number();

export const OfferFiguresSchema = Type.Object({
  offer_id: Type.String(),
  kind: OfferKind,
  /** Null once the offer was deleted: its accepts stay on record. */
  title: Type.Union([Type.String(), Type.Null()]),
  /** Times it was shown. */
  shown: Count,
  /** Accepts applied at the provider. */
  accepted: Count,
  /** Accepts the provider refused (nothing changed). */
  failed: Count,
  /** Customers it would have gone to, held out. */
  held_out: Count,
  /** Applied accepts by where their proof stands. */
  saves: Type.Object({ pending: Count, saved: Count, lost: Count }),
  /** MRR of the saves, per currency, largest first. */
  saved_mrr: Type.Array(Money),
});

/** Retention shown an offer against held out; null until each group is big enough. */
export const OfferLift = Type.Object({
  treated_rate: Rate,
  holdout_rate: Rate,
  /** treated_rate − holdout_rate. */
  difference: Rate,
  /** The 95% interval of the difference (Newcombe's hybrid score). */
  ci_low: Rate,
  ci_high: Rate,
  n_treated: Count,
  n_holdout: Count,
});

export const OfferPerformanceReply = Type.Object({
  /** The validation window of new accepts, in days. */
  save_days: Type.Integer(),
  holdout_percent: Type.Integer(),
  /** Live data only: test-mode customers are kept out, as everywhere in the numbers. */
  offers: Type.Array(OfferFiguresSchema),
  lift: Type.Union([OfferLift, Type.Null()]),
  /** Each group needs this many customers whose window is over before a lift is given. */
  lift_min_group: Count,
});
export type OfferPerformanceReply = Static<typeof OfferPerformanceReply>;

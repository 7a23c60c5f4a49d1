import type { Static } from "typebox";
import type { OfferFiguresSchema } from "../contract/offer-performance.js";
import type { OfferFigures } from "../db/queries/offer-performance.js";

export function toApiOfferFigures(figures: OfferFigures): Static<typeof OfferFiguresSchema> {
  return {
    offer_id: figures.offerId,
    kind: figures.kind,
    title: figures.title,
    shown: figures.shown,
    accepted: figures.accepted,
    failed: figures.failed,
    held_out: figures.heldOut,
    saves: { pending: figures.pending, saved: figures.saved, lost: figures.lost },
    saved_mrr: figures.savedMrr,
  };
}

import type { ApiOffer, OfferBody } from "../../contract/offers.js";
import type { Reason } from "../api/types.js";
import { bodyOfOffer } from "../lib/offer-draft.js";
import { KIND_LABELS, offerConditions, offerTerms } from "../lib/offer-words.js";
import { useAction } from "../lib/use-action.js";
import { ConfirmButton } from "./confirm-button.js";

/** One offer: what it gives, to whom; owners edit, switch it on or off, or delete it. */
export function OfferCard({
  offer,
  reasons,
  owner,
  replace,
  remove,
  onEdit,
}: {
  offer: ApiOffer;
  reasons: Reason[];
  owner: boolean;
  replace(body: OfferBody): Promise<void>;
  remove(): Promise<void>;
  onEdit(): void;
}) {
  const { run, busy, notice } = useAction();
  const reasonTexts = offer.reason_ids.map((id) => {
    const reason = reasons.find((r) => r.id === id);
    if (!reason) return "a deleted reason";
    return reason.archived ? `${reason.text} (archived)` : reason.text;
  });

  return (
    <li className="offer" aria-label={offer.title}>
      <div className="offer-head">
        <strong>{offer.title}</strong>
        <span className="badge">{KIND_LABELS[offer.kind]}</span>
        <span className={`badge${offer.active ? " badge-good" : ""}`}>
          {offer.active ? "active" : "inactive"}
        </span>
      </div>
      <p>{offerTerms(offer)}</p>
      {offer.description && <p className="hint">{offer.description}</p>}
      <dl className="offer-facts">
        <dt>Reasons</dt>
        <dd>{reasonTexts.join(", ")}</dd>
        <dt>Who</dt>
        <dd>{offerConditions(offer)}</dd>
      </dl>
      {notice}
      {owner && (
        <div className="button-row">
          <button type="button" className="button button-small" onClick={onEdit}>
            Edit<span className="visually-hidden"> {offer.title}</span>
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={busy}
            onClick={() => void run(() => replace(bodyOfOffer(offer, { active: !offer.active })))}
          >
            {offer.active ? "Deactivate" : "Activate"}
            <span className="visually-hidden"> {offer.title}</span>
          </button>
          <ConfirmButton
            label="Delete"
            confirmLabel="Really delete?"
            srLabel={offer.title}
            onConfirm={() => void run(remove)}
          />
        </div>
      )}
    </li>
  );
}

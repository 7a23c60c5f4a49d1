import { useEffect, useMemo, useState } from "react";
import type { ApiOffer, OfferBody, OfferSettings } from "../../contract/offers.js";
import { type AccountApi, accountApi } from "../api/endpoints.js";
import type { Reason } from "../api/types.js";
import { type NumberSetting, NumberSettingsForm } from "../components/number-settings.js";
import { OfferCard } from "../components/offer-card.js";
import { OfferForm } from "../components/offer-form.js";
import { OfferPerformance } from "../components/offer-performance.js";
import { EmptyState, Loaded } from "../components/states.js";
import { useAsync } from "../lib/use-async.js";
import { useSession } from "../session.js";
import "./offers.css";

const OFFER_SETTINGS: NumberSetting<keyof OfferSettings>[] = [
  {
    name: "window_months",
    label: "One offer per customer in (months)",
    hint: "A customer who accepted an offer gets no other one for this long (1 to 120).",
    min: 1,
    max: 120,
  },
  {
    name: "holdout_percent",
    label: "Holdout (percent)",
    hint: "This share of the customers who could get an offer is shown none (0 to 50). Who is held out is decided by the customer's id, so a customer always lands on the same side; comparing how many of each side stay shows what offers really add.",
    min: 0,
    max: 50,
  },
  {
    name: "save_days",
    label: "Save proven after (days)",
    hint: "An accepted offer counts as a save once the customer is still subscribed, not set to cancel, and has paid the next invoice this many days on (1 to 180). Accepts already under way keep the window they started with.",
    min: 1,
    max: 180,
  },
];

/**
 * Retention offers: the list (with the form to add or edit one), their figures (acceptance,
 * saves, lift) and the settings, each section its own card.
 */
export default function OffersPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const owner = account.role === "owner";
  const offers = useAsync(async () => {
    const [list, reasons] = await Promise.all([client.offers(), client.reasons()]);
    return { offers: list.offers, reasons: reasons.reasons };
  }, [client]);
  const settings = useAsync(() => client.offerSettings(), [client]);
  const performance = useAsync(() => client.offerPerformance(), [client]);

  useEffect(() => {
    document.title = `Offers · ${account.name} · Cancel Insights`;
  }, [account.name]);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Offers</h1>
          <p className="lead">
            After a customer picks a reason, the widget may show one offer for it: a discount, a
            pause, another price, a longer trial or a way to talk to you. “No thanks, cancel” stays
            one click away.
            {!owner && " You are a member of this account: only owners can change offers."}
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="offers-heading">
        <h2 id="offers-heading">Offers</h2>
        <Loaded state={offers}>
          {(data) => (
            <OfferList
              client={client}
              owner={owner}
              offers={data.offers}
              reasons={data.reasons}
              onChange={(next) => offers.setData((d) => d && { ...d, offers: next(d.offers) })}
            />
          )}
        </Loaded>
      </section>
      <section className="card" aria-labelledby="offer-performance-heading">
        <h2 id="offer-performance-heading">Performance</h2>
        <Loaded state={performance}>{(data) => <OfferPerformance data={data} />}</Loaded>
      </section>
      <section className="card" aria-labelledby="offer-settings-heading">
        <h2 id="offer-settings-heading">Settings</h2>
        <Loaded state={settings}>
          {(data) => (
            <NumberSettingsForm
              fields={OFFER_SETTINGS}
              initial={data.settings}
              owner={owner}
              save={async (values) => (await client.setOfferSettings(values)).settings}
              submitLabel="Save settings"
              className="offer-settings"
            />
          )}
        </Loaded>
      </section>
    </div>
  );
}

type ListChange = (update: (offers: ApiOffer[]) => ApiOffer[]) => void;

/** The offers in the order they are tried (oldest first), one open for editing at most. */
function OfferList({
  client,
  owner,
  offers,
  reasons,
  onChange,
}: {
  client: AccountApi;
  owner: boolean;
  offers: ApiOffer[];
  reasons: Reason[];
  onChange: ListChange;
}) {
  // "new", an offer's id, or null: the form shown.
  const [editing, setEditing] = useState<string | null>(null);
  const replaceWith = (saved: ApiOffer) =>
    onChange((list) => list.map((o) => (o.id === saved.id ? saved : o)));
  const replace = (id: string) => async (body: OfferBody) =>
    replaceWith((await client.replaceOffer(id, body)).offer);
  const form = (offer: ApiOffer | null, save: (body: OfferBody) => Promise<void>) => (
    <OfferForm offer={offer} reasons={reasons} save={save} onDone={() => setEditing(null)} />
  );

  return (
    <>
      <p className="hint">
        For each customer the first active offer that fits the reason and its conditions is shown,
        and only to customers the rules allow (verified, active, no offer accepted lately).
      </p>
      {offers.length === 0 ? (
        <EmptyState title="No offers yet">
          <p>Without offers, the widget asks why and lets the customer cancel, as before.</p>
        </EmptyState>
      ) : (
        <ul className="offers">
          {offers.map((offer) =>
            editing === offer.id ? (
              <li key={offer.id} className="offer">
                {form(offer, replace(offer.id))}
              </li>
            ) : (
              <OfferCard
                key={offer.id}
                offer={offer}
                reasons={reasons}
                owner={owner}
                replace={replace(offer.id)}
                remove={async () => {
                  await client.removeOffer(offer.id);
                  onChange((list) => list.filter((o) => o.id !== offer.id));
                }}
                onEdit={() => setEditing(offer.id)}
              />
            ),
          )}
        </ul>
      )}
      {owner &&
        (editing === "new" ? (
          form(null, async (body) => {
            const { offer } = await client.createOffer(body);
            onChange((list) => [...list, offer]);
          })
        ) : (
          <button type="button" className="button button-primary" onClick={() => setEditing("new")}>
            New offer
          </button>
        ))}
    </>
  );
}

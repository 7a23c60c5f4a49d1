import { type FormEvent, useState } from "react";
import type { OfferSettings } from "../../contract/offers.js";
import { type FormErrors, formErrors, NO_ERRORS } from "../lib/form-errors.js";
import { Field } from "./field.js";

/** The one-offer window and the holdout share; owners change them. */
export function OfferSettingsForm({
  initial,
  owner,
  save,
}: {
  initial: OfferSettings;
  owner: boolean;
  save(settings: OfferSettings): Promise<OfferSettings>;
}) {
  const [windowMonths, setWindowMonths] = useState(String(initial.window_months));
  const [holdout, setHoldout] = useState(String(initial.holdout_percent));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    try {
      const settings = await save({
        window_months: Number(windowMonths),
        holdout_percent: Number(holdout),
      });
      setWindowMonths(String(settings.window_months));
      setHoldout(String(settings.holdout_percent));
      setErrors(NO_ERRORS);
      setSaved(true);
    } catch (error) {
      setErrors(formErrors(error, ["window_months", "holdout_percent"]));
    }
  }

  return (
    <form onSubmit={submit} noValidate className="offer-settings">
      <Field
        label="One offer per customer in (months)"
        hint="A customer who accepted an offer gets no other one for this long (1 to 120)."
        type="number"
        min={1}
        max={120}
        value={windowMonths}
        disabled={!owner}
        onChange={(e) => setWindowMonths(e.target.value)}
        error={errors.fields.window_months}
      />
      <Field
        label="Holdout (percent)"
        hint="This share of the customers who could get an offer is shown none (0 to 50). Who is held out is decided by the customer's id, so a customer always lands on the same side; comparing how many of each side stay shows what offers really add."
        type="number"
        min={0}
        max={50}
        value={holdout}
        disabled={!owner}
        onChange={(e) => setHoldout(e.target.value)}
        error={errors.fields.holdout_percent}
      />
      {errors.form && (
        <p className="notice notice-error" role="alert">
          {errors.form}
        </p>
      )}
      {owner ? (
        <p>
          <button type="submit" className="button button-primary">
            Save settings
          </button>
          {saved && (
            <span role="status" className="hint">
              {" "}
              Saved.
            </span>
          )}
        </p>
      ) : (
        <p className="hint">Only owners change these.</p>
      )}
    </form>
  );
}

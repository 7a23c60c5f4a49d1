import type { OfferDraft, SetDraft } from "../lib/offer-draft.js";
import { PRORATION_LABELS } from "../lib/offer-words.js";
import { Field, FieldFrame } from "./field.js";

/** The fields of the chosen kind only; a refusal of `params.x` shows under its field. */
export function OfferKindFields({
  draft,
  set,
  errors,
}: {
  draft: OfferDraft;
  set: SetDraft;
  errors: Record<string, string>;
}) {
  switch (draft.kind) {
    case "discount":
      return (
        <fieldset className="offer-kind-fields">
          <legend>Discount</legend>
          <FieldFrame label="Discount by">
            {(control) => (
              <select
                {...control}
                value={draft.discountBy}
                onChange={(e) => set("discountBy", e.target.value as OfferDraft["discountBy"])}
              >
                <option value="percent">a percentage</option>
                <option value="amount">an amount</option>
              </select>
            )}
          </FieldFrame>
          {draft.discountBy === "percent" ? (
            <Field
              label="Percent off"
              hint="1 to 100."
              type="number"
              min={1}
              max={100}
              value={draft.percentOff}
              onChange={(e) => set("percentOff", e.target.value)}
              error={errors["params.percent_off"]}
            />
          ) : (
            <>
              <Field
                label="Amount off"
                type="number"
                min={0}
                step="any"
                value={draft.amountOff}
                onChange={(e) => set("amountOff", e.target.value)}
                error={errors["params.amount_off"]}
              />
              <Field
                label="Currency"
                hint="Three letters, e.g. USD."
                maxLength={3}
                value={draft.currency}
                onChange={(e) => set("currency", e.target.value)}
                error={errors["params.currency"]}
              />
            </>
          )}
          <Field
            label="For (months)"
            hint="1 to 36."
            type="number"
            min={1}
            max={36}
            value={draft.durationInMonths}
            onChange={(e) => set("durationInMonths", e.target.value)}
            error={errors["params.duration_in_months"]}
          />
        </fieldset>
      );
    case "pause":
      return (
        <Field
          label="Pause payments for (months)"
          hint="1 to 12."
          type="number"
          min={1}
          max={12}
          value={draft.months}
          onChange={(e) => set("months", e.target.value)}
          error={errors["params.months"]}
        />
      );
    case "price_switch":
      return (
        <fieldset className="offer-kind-fields">
          <legend>Switch price</legend>
          <Field
            label="Price id"
            hint="The price at your billing provider to move the subscription to."
            value={draft.priceId}
            onChange={(e) => set("priceId", e.target.value)}
            error={errors["params.price_id"]}
          />
          <FieldFrame label="Proration" error={errors["params.proration"]}>
            {(control) => (
              <select
                {...control}
                value={draft.proration}
                onChange={(e) => set("proration", e.target.value as OfferDraft["proration"])}
              >
                {Object.entries(PRORATION_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </FieldFrame>
        </fieldset>
      );
    case "trial_extension":
      return (
        <Field
          label="Extend the trial by (days)"
          hint="1 to 90."
          type="number"
          min={1}
          max={90}
          value={draft.days}
          onChange={(e) => set("days", e.target.value)}
          error={errors["params.days"]}
        />
      );
    case "contact_link":
      return (
        <Field
          label="Link"
          hint="Where “talk to us” leads: an http or https URL (a page, a calendar, a form)."
          type="url"
          value={draft.url}
          onChange={(e) => set("url", e.target.value)}
          error={errors["params.url"]}
        />
      );
  }
}

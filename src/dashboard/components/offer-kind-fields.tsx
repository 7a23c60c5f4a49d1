import type { OfferDraft, SetDraft } from "../lib/offer-draft.js";
import { entries, PRORATION_LABELS } from "../lib/offer-words.js";
import { Field, SelectField } from "./field.js";

/** The draft's free-text fields: what an input edits. */
type TextKey = {
  [K in keyof OfferDraft]: string extends OfferDraft[K] ? K : never;
}[keyof OfferDraft];

/** An input bound to one text field of the draft. */
export function DraftField({
  draft,
  set,
  field,
  ...input
}: { draft: OfferDraft; set: SetDraft; field: TextKey } & Parameters<typeof Field>[0]) {
  return <Field value={draft[field]} onChange={(e) => set(field, e.target.value)} {...input} />;
}

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
  /** One parameter's input: `field` in the draft, `param` as the server names it. */
  const param = (
    field: TextKey,
    param: string,
    label: string,
    input: Partial<Parameters<typeof Field>[0]> = {},
  ) => (
    <DraftField
      draft={draft}
      set={set}
      field={field}
      label={label}
      error={errors[`params.${param}`]}
      {...input}
    />
  );
  const whole = (min: number, max: number) => ({
    type: "number",
    min,
    max,
    hint: `${min} to ${max}.`,
  });

  switch (draft.kind) {
    case "discount":
      return (
        <fieldset className="offer-kind-fields">
          <legend>Discount</legend>
          <SelectField
            label="Discount by"
            value={draft.discountBy}
            options={[
              ["percent", "a percentage"],
              ["amount", "an amount"],
            ]}
            onChange={(v) => set("discountBy", v)}
          />
          {draft.discountBy === "percent" ? (
            param("percentOff", "percent_off", "Percent off", whole(1, 100))
          ) : (
            <>
              {param("amountOff", "amount_off", "Amount off", {
                type: "number",
                min: 0,
                step: "any",
              })}
              {param("currency", "currency", "Currency", {
                hint: "Three letters, e.g. USD.",
                maxLength: 3,
              })}
            </>
          )}
          {param("durationInMonths", "duration_in_months", "For (months)", whole(1, 36))}
        </fieldset>
      );
    case "pause":
      return param("months", "months", "Pause payments for (months)", whole(1, 12));
    case "price_switch":
      return (
        <fieldset className="offer-kind-fields">
          <legend>Switch price</legend>
          {param("priceId", "price_id", "Price id", {
            hint: "The price at your billing provider to move the subscription to.",
          })}
          <SelectField
            label="Proration"
            value={draft.proration}
            options={entries(PRORATION_LABELS)}
            onChange={(v) => set("proration", v)}
            error={errors["params.proration"]}
          />
        </fieldset>
      );
    case "trial_extension":
      return param("days", "days", "Extend the trial by (days)", whole(1, 90));
    case "contact_link":
      return param("url", "url", "Link", {
        type: "url",
        hint: "Where “talk to us” leads: an http or https URL (a page, a calendar, a form).",
      });
  }
}

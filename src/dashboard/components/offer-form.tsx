import { type FormEvent, useId, useState } from "react";
import type { ApiOffer, OfferBody } from "../../contract/offers.js";
import type { Reason } from "../api/types.js";
import { type FormErrors, formErrors, NO_ERRORS } from "../lib/form-errors.js";
import { bodyOf, draftOf, type OfferDraft, type SetDraft } from "../lib/offer-draft.js";
import { entries, INTERVAL_LABELS, KIND_LABELS } from "../lib/offer-words.js";
import { FieldFrame, SelectField } from "./field.js";
import { DraftField, OfferKindFields } from "./offer-kind-fields.js";
import { ReasonChecks } from "./reason-checks.js";

/** Every field the server may name in a refusal, as the form shows it. */
const FIELDS = [
  "kind",
  "title",
  "description",
  "reason_ids",
  "plan",
  "min_tenure_days",
  "max_tenure_days",
  "billing_interval",
  "params.percent_off",
  "params.amount_off",
  "params.currency",
  "params.duration_in_months",
  "params.months",
  "params.price_id",
  "params.proration",
  "params.days",
  "params.url",
];

/** The billing interval condition; "" is any. */
type BillingChoice = NonNullable<OfferDraft["billingInterval"]> | "";

/**
 * Creates an offer, or edits one (`offer`). The server checks everything; its refusal shows
 * next to the field it names (the browser's own checks are off for that reason).
 */
export function OfferForm({
  offer,
  reasons,
  save,
  onDone,
}: {
  offer: ApiOffer | null;
  reasons: Reason[];
  save(body: OfferBody): Promise<void>;
  onDone(): void;
}) {
  const [draft, setDraftState] = useState(() => draftOf(offer));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const set: SetDraft = (key, value) => setDraftState((d) => ({ ...d, [key]: value }));
  const bound = { draft, set };
  const heading = offer ? `Edit “${offer.title}”` : "New offer";

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await save(bodyOf(draft));
      onDone();
    } catch (error) {
      setErrors(formErrors(error, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="offer-form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{heading}</h3>
      <SelectField
        label="Kind"
        value={draft.kind}
        options={entries(KIND_LABELS)}
        onChange={(v) => set("kind", v)}
        error={errors.fields.kind}
      />
      <DraftField
        {...bound}
        field="title"
        label="Title"
        hint="What the customer reads, e.g. “Stay for 20% off”."
        maxLength={80}
        error={errors.fields.title}
      />
      <FieldFrame label="Description (optional)" error={errors.fields.description}>
        {(control) => (
          <textarea
            {...control}
            maxLength={300}
            rows={2}
            value={draft.description}
            onChange={(e) => set("description", e.target.value)}
          />
        )}
      </FieldFrame>
      <OfferKindFields draft={draft} set={set} errors={errors.fields} />
      <ReasonChecks
        legend="For customers who answer"
        className="offer-reasons"
        reasons={reasons}
        selected={draft.reasonIds}
        onChange={(ids) => set("reasonIds", ids)}
        error={errors.fields.reason_ids}
      />
      <fieldset className="offer-conditions">
        <legend>Only when (optional)</legend>
        <DraftField
          {...bound}
          field="plan"
          label="Plan"
          hint="A price id or a plan's name at your billing provider."
          error={errors.fields.plan}
        />
        <DraftField
          {...bound}
          field="minTenureDays"
          label="Customer for at least (days)"
          type="number"
          min={0}
          error={errors.fields.min_tenure_days}
        />
        <DraftField
          {...bound}
          field="maxTenureDays"
          label="Customer for at most (days)"
          type="number"
          min={0}
          error={errors.fields.max_tenure_days}
        />
        <SelectField<BillingChoice>
          label="Billed"
          value={draft.billingInterval ?? ""}
          options={[["", "at any interval"], ...entries(INTERVAL_LABELS)]}
          onChange={(v) => set("billingInterval", v || null)}
          error={errors.fields.billing_interval}
        />
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.active}
          onChange={(e) => set("active", e.target.checked)}
        />
        Active: show it to customers now
      </label>
      {errors.form && (
        <p className="notice notice-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {offer ? "Save offer" : "Create offer"}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

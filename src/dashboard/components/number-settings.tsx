import { type FormEvent, useState } from "react";
import { type FormErrors, formErrors, NO_ERRORS } from "../lib/form-errors.js";
import { Field } from "./field.js";

/** One whole-number setting as its form shows it; `name` is the API's field. */
export interface NumberSetting<K extends string> {
  name: K;
  label: string;
  hint: string;
  min: number;
  max: number;
}

/**
 * A form of whole-number settings (the reason email's delays, the offers' window): owners
 * save, members read; a refusal shows next to the setting it names.
 */
export function NumberSettingsForm<K extends string>({
  fields,
  initial,
  owner,
  save,
  submitLabel = "Save",
  className,
}: {
  fields: NumberSetting<K>[];
  initial: Record<K, number>;
  owner: boolean;
  save(values: Record<K, number>): Promise<Record<K, number>>;
  submitLabel?: string;
  className?: string;
}) {
  const asText = (values: Record<K, number>) =>
    Object.fromEntries(fields.map((f) => [f.name, String(values[f.name])])) as Record<K, string>;
  const [values, setValues] = useState(() => asText(initial));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    try {
      const numbers = Object.fromEntries(fields.map((f) => [f.name, Number(values[f.name])]));
      setValues(asText(await save(numbers as Record<K, number>)));
      setErrors(NO_ERRORS);
      setSaved(true);
    } catch (error) {
      setErrors(
        formErrors(
          error,
          fields.map((f) => f.name),
        ),
      );
    }
  }

  return (
    <form onSubmit={submit} noValidate className={className}>
      {fields.map((f) => (
        <Field
          key={f.name}
          label={f.label}
          hint={f.hint}
          type="number"
          min={f.min}
          max={f.max}
          value={values[f.name]}
          disabled={!owner}
          onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
          error={errors.fields[f.name]}
        />
      ))}
      {errors.form && (
        <p className="notice notice-error" role="alert">
          {errors.form}
        </p>
      )}
      {owner ? (
        <p>
          <button type="submit" className="button button-primary">
            {submitLabel}
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

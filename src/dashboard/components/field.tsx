import { type InputHTMLAttributes, type ReactNode, useId } from "react";

interface FrameProps {
  label: string;
  error?: string | undefined;
  hint?: string;
  className?: string | undefined;
}

/** What a control inside a field carries to be tied to its label, hint and error. */
export interface ControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** A labelled control (input, select, textarea) with its hint and error tied to it. */
export function FieldFrame({
  label,
  error,
  hint,
  className,
  children,
}: FrameProps & { children(control: ControlProps): ReactNode }) {
  const id = useId();
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <div className={`field${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy || undefined,
      })}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & FrameProps;

/** A labelled input with its hint and error tied to it for screen readers. */
export function Field({ label, error, hint, className, ...input }: FieldProps) {
  return (
    <FieldFrame label={label} error={error} hint={hint} className={className}>
      {(control) => <input {...control} {...input} />}
    </FieldFrame>
  );
}

/** A labelled choice among `options` ([value, label] pairs, in order). */
export function SelectField<V extends string>({
  options,
  value,
  onChange,
  ...frame
}: FrameProps & {
  options: ReadonlyArray<readonly [V, string]>;
  value: V;
  onChange(value: V): void;
}) {
  return (
    <FieldFrame {...frame}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(e.target.value as V)}>
          {options.map(([option, label]) => (
            <option key={option} value={option}>
              {label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

import { useId } from "react";

export interface ReasonChoice {
  id: string;
  text: string;
  archived: boolean;
}

/**
 * A checkbox per reason, as offers and campaigns choose the reasons they answer, with the
 * server's refusal of the choice under them. An archived reason stays listed only while it
 * is chosen: customers no longer pick it, but a choice made before must be visible to undo.
 */
export function ReasonChecks({
  legend,
  className,
  reasons,
  selected,
  onChange,
  error,
}: {
  legend: string;
  className: string;
  reasons: readonly ReasonChoice[];
  selected: readonly string[];
  onChange(ids: string[]): void;
  error: string | undefined;
}) {
  const errorId = `${useId()}-error`;
  const choices = reasons.filter((r) => !r.archived || selected.includes(r.id));
  return (
    <fieldset className={className} aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {choices.map((reason) => (
        <label key={reason.id} className="check">
          <input
            type="checkbox"
            checked={selected.includes(reason.id)}
            onChange={(e) =>
              onChange(
                e.target.checked
                  ? [...selected, reason.id]
                  : selected.filter((id) => id !== reason.id),
              )
            }
          />
          {reason.text}
          {reason.archived && " (archived)"}
        </label>
      ))}
      {error && (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

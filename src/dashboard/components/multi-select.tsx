import { useEffect, useRef } from "react";
import "./multi-select.css";

export interface Option {
  value: string;
  label: string;
}

/** A disclosure with a checkbox per option: "Reasons (2)". Empty selection means all. */
export function MultiSelect({
  label,
  options,
  selected,
  onChange,
}: {
  label: string;
  options: Option[];
  selected: string[];
  onChange(values: string[]): void;
}) {
  const details = useRef<HTMLDetailsElement>(null);

  // Closes when focus or a click leaves it, as a menu would.
  useEffect(() => {
    const close = (event: Event) => {
      const el = details.current;
      if (el?.open && event.target instanceof Node && !el.contains(event.target)) el.open = false;
    };
    document.addEventListener("click", close);
    document.addEventListener("focusin", close);
    return () => {
      document.removeEventListener("click", close);
      document.removeEventListener("focusin", close);
    };
  }, []);

  const toggle = (value: string, on: boolean) =>
    onChange(on ? [...selected, value] : selected.filter((v) => v !== value));

  return (
    <details
      className="multi"
      ref={details}
      onKeyDown={(e) => {
        if (e.key === "Escape" && details.current?.open) {
          details.current.open = false;
          details.current.querySelector("summary")?.focus();
        }
      }}
    >
      <summary>
        {label}
        {selected.length > 0 ? ` (${selected.length})` : ": all"}
      </summary>
      <fieldset className="multi-panel">
        <legend className="visually-hidden">{label}</legend>
        {options.length === 0 && <p className="hint">Nothing to choose from yet.</p>}
        {options.map((option) => (
          <label key={option.value} className="check">
            <input
              type="checkbox"
              checked={selected.includes(option.value)}
              onChange={(e) => toggle(option.value, e.target.checked)}
            />
            {option.label}
          </label>
        ))}
        {selected.length > 0 && (
          <button type="button" className="link-button" onClick={() => onChange([])}>
            Clear
          </button>
        )}
      </fieldset>
    </details>
  );
}

import { type FormEvent, useMemo, useState } from "react";

/** One name and its button: creates (and empties) or, given `initial`, renames. */
export function NameForm({
  label,
  button,
  busy,
  onSubmit,
  initial = "",
}: {
  label: string;
  button: string;
  busy: boolean;
  onSubmit(name: string): Promise<void>;
  initial?: string;
}) {
  const [name, setName] = useState(initial);
  const id = useMemo(() => `f-${label.toLowerCase().replace(/\W+/g, "-")}`, [label]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    await onSubmit(name.trim());
    if (!initial) setName("");
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <div className="search-row">
        <input
          id={id}
          value={name}
          maxLength={100}
          required
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={busy}>
          {button}
        </button>
      </div>
    </form>
  );
}

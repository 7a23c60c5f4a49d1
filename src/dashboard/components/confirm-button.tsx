import { useEffect, useState } from "react";

/** A button that asks once more before a destructive action: "Revoke" → "Really revoke?". */
export function ConfirmButton({
  label,
  confirmLabel,
  onConfirm,
  srLabel,
}: {
  label: string;
  confirmLabel: string;
  onConfirm(): void;
  /** Extra words for screen readers, e.g. the name of the thing. */
  srLabel?: string;
}) {
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (!asking) return;
    const timer = setTimeout(() => setAsking(false), 5000);
    return () => clearTimeout(timer);
  }, [asking]);
  return (
    <button
      type="button"
      className={`button button-small${asking ? " button-danger" : ""}`}
      onClick={() => {
        if (asking) {
          setAsking(false);
          onConfirm();
        } else setAsking(true);
      }}
    >
      {asking ? confirmLabel : label}
      {srLabel && <span className="visually-hidden"> {srLabel}</span>}
    </button>
  );
}

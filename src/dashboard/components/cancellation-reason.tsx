import type { CustomerBilling, Reason } from "../api/types.js";
import { formatDateTime } from "../lib/format.js";

type Cancellation = CustomerBilling["cancellations"][number];

/** Where the reason shown comes from, when it is not the owner's correction. */
const SOURCE_HINTS = {
  answer: "from their answer",
  provider: "from the provider's feedback",
} as const;

const reasonText = (reasons: Reason[], id: string | null) => {
  if (id === null) return "No reason";
  const reason = reasons.find((r) => r.id === id);
  if (!reason) return "…";
  return reason.archived ? `${reason.text} (archived)` : reason.text;
};

/**
 * The reason a cancellation is put down to (the owner's correction wins over the answer's
 * and the provider's): a select for owners that sets the correction (saved at once, by
 * `onChange`), its text for members.
 */
export function CancellationReason({
  cancellation: c,
  reasons,
  owner,
  saving,
  onChange,
}: {
  cancellation: Cancellation;
  /** The account's reasons, archived ones too (the current one may be); undefined while loading. */
  reasons: Reason[] | undefined;
  owner: boolean;
  saving: boolean;
  onChange(reasonId: string | null): void;
}) {
  const source = (c.reason_source === "answer" || c.reason_source === "provider") && (
    <span className="hint"> · {SOURCE_HINTS[c.reason_source]}</span>
  );
  if (!owner || !reasons) {
    return (
      <>
        {reasons ? reasonText(reasons, c.reason_id) : "…"}
        {source}
      </>
    );
  }
  const current = reasons.find((r) => r.id === c.reason_id);
  return (
    <>
      <select
        aria-label={`Reason for ${c.subscription_id}, cancelled ${formatDateTime(c.requested_at)}`}
        value={c.reason_id ?? ""}
        disabled={saving}
        onChange={(e) => onChange(e.target.value || null)}
      >
        {/* Clears the owner's correction: the answer's or the provider's reason counts again. */}
        <option value="">{c.reason_source === null ? "No reason" : "Not corrected"}</option>
        {reasons
          .filter((r) => !r.archived)
          .map((r) => (
            <option key={r.id} value={r.id}>
              {r.text}
            </option>
          ))}
        {/* An archived reason stays readable where it is set, but cannot be chosen anew. */}
        {current?.archived && (
          <option value={current.id} disabled>
            {current.text} (archived)
          </option>
        )}
      </select>
      {source}
    </>
  );
}

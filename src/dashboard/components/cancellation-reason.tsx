import type { CustomerBilling, Reason } from "../api/types.js";
import { formatDateTime } from "../lib/format.js";

type Cancellation = CustomerBilling["cancellations"][number];

/**
 * Whose word the reason is: a linked answer's reason counts in the insights, so only a
 * cancellation without one, or with the provider's own feedback to correct, is the owner's
 * to set.
 */
export const reasonIsEditable = (c: Cancellation) =>
  c.provider_feedback !== null || c.provider_comment !== null || !c.answered;

const reasonText = (reasons: Reason[], id: string | null) => {
  if (id === null) return "No reason";
  const reason = reasons.find((r) => r.id === id);
  if (!reason) return "…";
  return reason.archived ? `${reason.text} (archived)` : reason.text;
};

/**
 * The reason a cancellation is put down to: a select for owners (saved at once, by
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
  if (!reasonIsEditable(c)) return <span className="hint">From their answer</span>;
  const answerCounts = c.answered && <span className="hint"> · insights count their answer</span>;
  if (!owner || !reasons) {
    return (
      <>
        {reasons ? reasonText(reasons, c.reason_id) : "…"}
        {answerCounts}
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
        <option value="">No reason</option>
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
      {answerCounts}
    </>
  );
}

import { type ReactNode, useState } from "react";
import { errorMessage } from "../api/client.js";
import type { AccountApi } from "../api/endpoints.js";
import type { CustomerBilling as Billing, Reason } from "../api/types.js";
import { cancellationStateLabel, entryLabel } from "../lib/billing-words.js";
import { formatDateTime, formatMoney } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { CancellationReason } from "./cancellation-reason.js";

const when = (iso: string | null) => (iso ? formatDateTime(iso) : "–");

/**
 * The customer's subscriptions and cancellations as the billing provider reported them; nothing
 * at all while none are known (no provider connected, or an id the provider does not know).
 */
export function CustomerBilling({
  client,
  customerOid,
  owner,
  reasons,
}: {
  client: AccountApi;
  customerOid: string;
  /** Owners correct a cancellation's reason; members see it. */
  owner: boolean;
  /** The account's reasons, archived ones too; undefined while loading. */
  reasons: Reason[] | undefined;
}) {
  const state = useAsync(() => client.customerBilling(customerOid), [client, customerOid]);
  const [saving, setSaving] = useState<string | null>(null);
  const [status, setStatus] = useState<{ text: string; failed: boolean } | null>(null);
  const data = state.data;
  if (!data || (data.subscriptions.length === 0 && data.cancellations.length === 0)) return null;

  const setReason = async (id: string, reasonId: string | null) => {
    setSaving(id);
    setStatus(null);
    try {
      const { cancellation } = await client.setCancellationReason(id, reasonId);
      state.setData(
        (current) =>
          current && {
            ...current,
            cancellations: current.cancellations.map((c) =>
              c.id === cancellation.id ? { ...c, ...cancellation, owner_reason_id: reasonId } : c,
            ),
          },
      );
      setStatus({ text: "Reason saved.", failed: false });
    } catch (error) {
      setStatus({ text: errorMessage(error), failed: true });
    } finally {
      setSaving(null);
    }
  };

  return (
    <section className="card" aria-labelledby="customer-billing-heading">
      <h2 id="customer-billing-heading">Billing</h2>
      {data.subscriptions.length > 0 && <Subscriptions rows={data.subscriptions} />}
      {data.cancellations.length > 0 && (
        <Cancellations
          rows={data.cancellations}
          reason={(c) => (
            <CancellationReason
              cancellation={c}
              reasons={reasons}
              owner={owner}
              saving={saving === c.id}
              onChange={(reasonId) => void setReason(c.id, reasonId)}
            />
          )}
        />
      )}
      <p className="copy-status" role="status">
        {status && !status.failed ? status.text : ""}
      </p>
      {status?.failed && (
        <p className="notice notice-error" role="alert">
          {status.text}
        </p>
      )}
    </section>
  );
}

const TestBadge = ({ test }: { test: boolean }) =>
  test ? <span className="badge badge-warn">test</span> : null;

function Subscriptions({ rows }: { rows: Billing["subscriptions"] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>Subscriptions</caption>
        <thead>
          <tr>
            <th scope="col">Subscription</th>
            <th scope="col">Plan</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              MRR
            </th>
            <th scope="col">Set to end</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                <span className="mono">{s.id}</span>
                <TestBadge test={s.test_mode} />
              </th>
              <td>{s.plan ?? "–"}</td>
              <td>{s.status}</td>
              <td className="num">{formatMoney(s.mrr)}</td>
              <td>{s.ended_at ? `Ended ${formatDateTime(s.ended_at)}` : when(s.cancel_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Cancellations({
  rows,
  reason,
}: {
  rows: Billing["cancellations"];
  reason(c: Billing["cancellations"][number]): ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>Cancellations</caption>
        <thead>
          <tr>
            <th scope="col">Requested</th>
            <th scope="col">Subscription</th>
            <th scope="col">Path</th>
            <th scope="col">State</th>
            <th scope="col">Reason</th>
            <th scope="col" className="num">
              Lost MRR
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                {formatDateTime(c.requested_at)}
                <TestBadge test={c.test_mode} />
              </th>
              <td>
                <span className="mono">{c.subscription_id}</span>
                {c.plan && ` (${c.plan})`}
              </td>
              <td>
                {entryLabel(c.path)}
                {c.provider_feedback && (
                  <span className="hint"> · said “{c.provider_feedback.replace(/_/g, " ")}”</span>
                )}
                {c.provider_comment && (
                  <span className="hint"> · wrote “{c.provider_comment}”</span>
                )}
              </td>
              <td>
                {cancellationStateLabel(c.state)}
                {c.state === "scheduled" && c.ends_at && `, ends ${formatDateTime(c.ends_at)}`}
              </td>
              <td>{reason(c)}</td>
              <td className="num">{c.lost_mrr ? formatMoney(c.lost_mrr) : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

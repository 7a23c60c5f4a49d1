import type { AccountApi } from "../api/endpoints.js";
import type { CustomerBilling as Billing } from "../api/types.js";
import { cancellationStateLabel, entryLabel } from "../lib/billing-words.js";
import { formatDateTime, formatMoney } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";

const when = (iso: string | null) => (iso ? formatDateTime(iso) : "–");

/**
 * The customer's subscriptions and cancellations as the billing provider reported them; nothing
 * at all while none are known (no provider connected, or an id the provider does not know).
 */
export function CustomerBilling({
  client,
  customerOid,
}: {
  client: AccountApi;
  customerOid: string;
}) {
  const state = useAsync(() => client.customerBilling(customerOid), [client, customerOid]);
  const data = state.data;
  if (!data || (data.subscriptions.length === 0 && data.cancellations.length === 0)) return null;
  return (
    <section className="card" aria-labelledby="customer-billing-heading">
      <h2 id="customer-billing-heading">Billing</h2>
      {data.subscriptions.length > 0 && <Subscriptions rows={data.subscriptions} />}
      {data.cancellations.length > 0 && <Cancellations rows={data.cancellations} />}
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

function Cancellations({ rows }: { rows: Billing["cancellations"] }) {
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
              </td>
              <td>
                {cancellationStateLabel(c.state)}
                {c.state === "scheduled" && c.ends_at && `, ends ${formatDateTime(c.ends_at)}`}
              </td>
              <td className="num">{c.lost_mrr ? formatMoney(c.lost_mrr) : "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

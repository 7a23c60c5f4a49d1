import type { AccountApi, InsightsFilter } from "../api/endpoints.js";
import type { CancellationInsights, Money } from "../api/types.js";
import { Kpi } from "../components/kpi.js";
import { Loaded } from "../components/states.js";
import { entryLabel, tenureLabel } from "../lib/billing-words.js";
import { formatCount, formatMoneyList, formatPercent } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { Link } from "../router.js";
import { accountPath } from "../session.js";

const lostText = (list: Money[]) => (list.length ? formatMoneyList(list) : "–");

/**
 * What the billing provider reported in the period: how many of the customers who chose to
 * leave told us why, how they cancelled, which plans and tenures churn, payment failures
 * apart, and who stayed after all.
 */
export function CancellationFigures({
  client,
  filter,
  accountId,
}: {
  client: AccountApi;
  filter: InsightsFilter;
  accountId: string;
}) {
  const state = useAsync(
    () => client.cancellationInsights(filter),
    [client, filter.from, filter.to, filter.includeTest],
  );
  return (
    <section className="card" aria-labelledby="provider-heading">
      <h2 id="provider-heading">Cancellations at your billing provider</h2>
      <p className="hint">
        Every subscription that ended or was set to end in the period, whatever the way, as Stripe
        reported it{filter.includeTest ? " (live and test data)" : " (live data)"}. Reason and plan
        filters do not apply here.
      </p>
      <Loaded state={state} label="Loading cancellations…">
        {(data) =>
          empty(data) ? (
            <p className="hint">
              No cancellations from a billing provider in this period. Connect Stripe in{" "}
              <Link to={accountPath(accountId, "settings")}>Settings → Billing</Link> to see them.
            </p>
          ) : (
            <Figures data={data} />
          )
        }
      </Loaded>
    </section>
  );
}

function empty(data: CancellationInsights): boolean {
  return (
    data.by_entry.length === 0 &&
    data.reactivations.reactivations === 0 &&
    data.coverage.cancellations === 0
  );
}

function Figures({ data }: { data: CancellationInsights }) {
  const { coverage, voluntary, involuntary, reactivations } = data;
  return (
    <div data-testid="provider-cancellations">
      <dl className="kpis">
        <Kpi
          label="Answer coverage"
          value={formatPercent(coverage.coverage)}
          detail={`${formatCount(coverage.answered)} of ${formatCount(coverage.cancellations)} voluntary cancellations had an answer`}
          change={null}
        />
        <Kpi
          label="Voluntary churn"
          value={formatCount(voluntary.cancellations)}
          detail={`${lostText(voluntary.lost_mrr)} lost MRR`}
          change={null}
        />
        <Kpi
          label="Payment failures"
          value={formatCount(involuntary.cancellations)}
          detail={`involuntary: ${lostText(involuntary.lost_mrr)} lost MRR`}
          change={null}
        />
        <Kpi
          label="Reactivations"
          value={formatCount(reactivations.reactivations)}
          detail={
            reactivations.kept_mrr.length
              ? `${formatMoneyList(reactivations.kept_mrr)} MRR kept`
              : "stayed after setting out to leave"
          }
          change={null}
        />
      </dl>
      <div className="breakdowns">
        <BreakdownTable
          caption="By path"
          note="All cancellations; payment failures are involuntary."
          head="Path"
          rows={data.by_entry}
          label={entryLabel}
        />
        <BreakdownTable
          caption="By plan"
          note="Voluntary cancellations."
          head="Plan"
          rows={data.by_plan}
          label={(key) => key || "Unknown plan"}
        />
        <BreakdownTable
          caption="By tenure"
          note="Voluntary cancellations, by the subscription's age when it was cancelled."
          head="Tenure"
          rows={data.by_tenure}
          label={tenureLabel}
        />
      </div>
    </div>
  );
}

interface BreakdownRow<K extends string> {
  key: K;
  cancellations: number;
  lost_mrr: Money[];
}

function BreakdownTable<K extends string>({
  caption,
  note,
  head,
  rows,
  label,
}: {
  caption: string;
  note: string;
  head: string;
  rows: BreakdownRow<K>[];
  label(key: K): string;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>
          {caption} <span className="hint">{note}</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            <th scope="col" className="num">
              Cancellations
            </th>
            <th scope="col" className="num">
              Lost MRR
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={3} className="hint">
                None in this period.
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{label(row.key)}</th>
                <td className="num">{formatCount(row.cancellations)}</td>
                <td className="num">{lostText(row.lost_mrr)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

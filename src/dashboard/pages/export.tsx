import { useEffect, useMemo } from "react";
import { accountApi, type EventFilter } from "../api/endpoints.js";
import type { EventKind } from "../api/types.js";
import { RangePicker } from "../components/range-picker.js";
import { rangeQuery, useRangeFilter } from "../lib/filters.js";
import { formatRange } from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { setQuery, useLocation } from "../router.js";
import { useSession } from "../session.js";

/** Download the events of a range as CSV or JSON, with the same filters as the dashboard. */
export default function ExportPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const range = useRangeFilter();
  const { query } = useLocation();
  const reasons = useAsync(() => client.reasons(), [client]);
  const kind = query.get("kind");

  useEffect(() => {
    document.title = `Export · ${account.name} · Cancel Insights`;
  }, [account.name]);

  const filter: EventFilter = {
    from: range.from,
    to: range.to,
    reasonId: range.reasonIds[0] ?? "",
    kind: kind === "answer" || kind === "skip" || kind === "dismissal" ? (kind as EventKind) : "",
    q: query.get("q") ?? "",
    includeTest: range.includeTest,
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Export</h1>
          <p className="lead">
            Every event of the range, with its reason, comment, customer and MRR, as CSV for a
            spreadsheet or JSON lines for your own tools.
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="export-filter-heading">
        <h2 id="export-filter-heading">What to export</h2>
        <div className="form-grid">
          <RangePicker filter={range} onChange={(r) => setQuery(rangeQuery(r))} />
          <div className="control">
            <label htmlFor="export-reason">Reason</label>
            <select
              id="export-reason"
              value={filter.reasonId}
              onChange={(e) => setQuery({ reason: e.target.value || null })}
            >
              <option value="">All reasons</option>
              {(reasons.data?.reasons ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {r.archived ? `${r.text} (archived)` : r.text}
                </option>
              ))}
            </select>
          </div>
          <div className="control">
            <label htmlFor="export-kind">Kind</label>
            <select
              id="export-kind"
              value={filter.kind}
              onChange={(e) => setQuery({ kind: e.target.value || null })}
            >
              <option value="">All kinds</option>
              <option value="answer">Answers</option>
              <option value="skip">Skipped the question</option>
              <option value="dismissal">Closed the dialog</option>
            </select>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={range.includeTest}
              onChange={(e) => setQuery(rangeQuery({ includeTest: e.target.checked }))}
            />
            Include test data
          </label>
        </div>
        <p className="period">
          <strong>{formatRange(filter.from ?? "", filter.to ?? "")}</strong>
          {filter.q ? <> · comments matching “{filter.q}”</> : null}
        </p>
        <div className="button-row">
          <a className="button button-primary" href={client.exportUrl("csv", filter)} download>
            Download CSV
          </a>
          <a className="button" href={client.exportUrl("json", filter)} download>
            Download JSON
          </a>
        </div>
        <p className="hint">
          In the CSV, cells that start with <code>=</code>, <code>+</code>, <code>-</code> or{" "}
          <code>@</code> get a leading <code>'</code>, so a spreadsheet never runs a customer's
          comment as a formula.
        </p>
      </section>
    </div>
  );
}

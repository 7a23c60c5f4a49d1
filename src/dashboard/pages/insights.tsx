import { useCallback, useEffect, useMemo } from "react";
import { accountApi } from "../api/endpoints.js";
import type { Insights, Interval, Money, Reason, ReasonInsight, Trend } from "../api/types.js";
import { Chart } from "../components/chart.js";
import type { Bar, TrendDatum } from "../components/charts.js";
import { Kpi, pointsChange, relativeChange } from "../components/kpi.js";
import { MultiSelect } from "../components/multi-select.js";
import { RangePicker } from "../components/range-picker.js";
import { Segmented } from "../components/segmented.js";
import { EmptyState, ErrorNotice, Loaded, Loading } from "../components/states.js";
import { colorOf, defaultInterval, rangeQuery, useRangeFilter } from "../lib/filters.js";
import {
  formatCount,
  formatDay,
  formatMoney,
  formatPercent,
  formatRange,
  majorUnits,
} from "../lib/format.js";
import { useAsync } from "../lib/use-async.js";
import { Link, setQuery, useLocation } from "../router.js";
import { accountPath, useSession } from "../session.js";
import { CancellationFigures } from "./insights-cancellations.js";
import "./insights.css";

type Metric = "answers" | "mrr";

function amountIn(list: Money[], currency: string): number {
  return list.find((m) => m.currency === currency)?.amount ?? 0;
}

export default function InsightsPage() {
  const { account } = useSession();
  const client = useMemo(() => accountApi(account.id), [account.id]);
  const filter = useRangeFilter();
  const { query, href } = useLocation();
  const interval: Interval =
    query.get("interval") === "month" || query.get("interval") === "week"
      ? (query.get("interval") as Interval)
      : defaultInterval(filter);
  const metric: Metric = query.get("by") === "mrr" ? "mrr" : "answers";
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    document.title = `Insights · ${account.name} · Cancel Insights`;
  }, [account.name]);

  const reasons = useAsync(() => client.reasons(), [client]);
  const insights = useAsync(() => client.insights(filter), [client, filterKey]);
  const trend = useAsync(() => client.trend(filter, interval), [client, filterKey, interval]);

  const allReasons = useMemo(() => reasons.data?.reasons ?? [], [reasons.data]);
  const colorById = useMemo(() => {
    const map = new Map<string, string>();
    allReasons.forEach((r, i) => {
      map.set(r.id, colorOf(i));
    });
    return map;
  }, [allReasons]);

  const exportLink = `${accountPath(account.id, "export")}${href.includes("?") ? href.slice(href.indexOf("?")) : ""}`;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Insights</h1>
          <p className="lead">Why customers cancel, and what each reason costs.</p>
        </div>
        <Link to={exportLink} className="button">
          Export
        </Link>
      </div>

      <section className="toolbar" aria-label="Filters">
        <RangePicker filter={filter} onChange={(range) => setQuery(rangeQuery(range))} />
        <div className="toolbar-filters">
          <MultiSelect
            label="Reasons"
            options={allReasons.map((r) => ({
              value: r.id,
              label: r.archived ? `${r.text} (archived)` : r.text,
            }))}
            selected={filter.reasonIds}
            onChange={(reasonIds) => setQuery(rangeQuery({ reasonIds }))}
          />
          <MultiSelect
            label="Plans"
            options={(insights.data?.plans ?? []).map((p) => ({ value: p, label: p }))}
            selected={filter.plans}
            onChange={(plans) => setQuery(rangeQuery({ plans }))}
          />
          <label className="check">
            <input
              type="checkbox"
              checked={filter.includeTest}
              onChange={(e) => setQuery(rangeQuery({ includeTest: e.target.checked }))}
            />
            Include test data
          </label>
        </div>
      </section>

      <Loaded state={insights} label="Loading insights…">
        {(data) => (
          <InsightsBody
            data={data}
            stale={insights.loading}
            reasons={allReasons}
            colorById={colorById}
            metric={metric}
            trend={trend.data}
            trendError={trend.error}
            trendLoading={trend.loading}
            interval={interval}
            accountId={account.id}
          />
        )}
      </Loaded>
      <CancellationFigures client={client} filter={filter} accountId={account.id} />
    </div>
  );
}

function InsightsBody({
  data,
  stale,
  reasons,
  colorById,
  metric,
  trend,
  trendError,
  trendLoading,
  interval,
  accountId,
}: {
  data: Insights;
  stale: boolean;
  reasons: Reason[];
  colorById: Map<string, string>;
  metric: Metric;
  trend: Trend | undefined;
  trendError: unknown;
  trendLoading: boolean;
  interval: Interval;
  accountId: string;
}) {
  const { current, previous_totals: previous } = data;
  const currency = current.lost_mrr[0]?.currency ?? previous.lost_mrr[0]?.currency ?? "usd";
  const lost = amountIn(current.lost_mrr, currency);
  const lostBefore = amountIn(previous.lost_mrr, currency);
  const otherCurrencies = current.lost_mrr.filter((m) => m.currency !== currency);
  const nothing = current.cancellations === 0 && current.dismissals === 0;

  return (
    <div className={stale ? "is-stale" : undefined} aria-busy={stale}>
      <p className="period" aria-live="polite">
        <strong>{formatRange(data.from, data.to)}</strong>
        <span> compared with {formatRange(data.previous.from, data.previous.to)}</span>
      </p>

      <section aria-labelledby="kpi-heading">
        <h2 id="kpi-heading" className="visually-hidden">
          Key numbers
        </h2>
        <dl className="kpis">
          <Kpi
            label="Cancellations"
            value={formatCount(current.cancellations)}
            change={relativeChange(current.cancellations, previous.cancellations, false)}
          />
          <Kpi
            label="Answers"
            value={formatCount(current.answers)}
            detail={`${formatCount(current.skips)} skipped · ${formatCount(current.dismissals)} stayed`}
            change={relativeChange(current.answers, previous.answers, true)}
          />
          <Kpi
            label="Answer coverage"
            value={formatPercent(current.coverage)}
            detail="of cancellations gave a reason"
            change={pointsChange(current.coverage, previous.coverage)}
          />
          <Kpi
            label="Lost MRR"
            value={formatMoney({ amount: lost, currency })}
            detail={`${
              otherCurrencies.length
                ? `+ ${otherCurrencies.map((m) => formatMoney(m)).join(" + ")}`
                : "monthly revenue of the cancellations"
            }${convertedInWords(current)}`}
            change={relativeChange(lost, lostBefore, false, (amount) =>
              formatMoney({ amount, currency }),
            )}
          />
        </dl>
      </section>

      {nothing ? (
        <EmptyState
          title="No cancellations in this period"
          action={
            <Link to={accountPath(accountId, "setup")} className="button button-primary">
              Go to Setup
            </Link>
          }
        >
          <p>
            Try a longer date range or fewer filters. If you have not installed the widget yet, the
            Setup page has the snippet to paste before <code>&lt;/body&gt;</code> on your cancel
            page.
          </p>
        </EmptyState>
      ) : (
        <>
          <ReasonsRanking
            reasons={data.reasons}
            colorById={colorById}
            metric={metric}
            currency={currency}
            accountId={accountId}
          />
          <TrendSection
            trend={trend}
            error={trendError}
            loading={trendLoading}
            interval={interval}
            reasons={reasons}
            colorById={colorById}
          />
        </>
      )}
    </div>
  );
}

function ReasonsRanking({
  reasons,
  colorById,
  metric,
  currency,
  accountId,
}: {
  reasons: ReasonInsight[];
  colorById: Map<string, string>;
  metric: Metric;
  currency: string;
  accountId: string;
}) {
  const ranked = useMemo(
    () =>
      // Reasons nobody gave in the period (or left out by the filter) make no bars.
      reasons
        .filter((r) => r.answers > 0 || r.lost_mrr.some((m) => m.amount > 0))
        .sort((a, b) =>
          metric === "mrr"
            ? amountIn(b.lost_mrr, currency) - amountIn(a.lost_mrr, currency) ||
              b.answers - a.answers
            : b.answers - a.answers ||
              amountIn(b.lost_mrr, currency) - amountIn(a.lost_mrr, currency),
        ),
    [reasons, metric, currency],
  );
  const bars = useMemo(
    () =>
      ranked.map((r): Bar => {
        const money = { amount: amountIn(r.lost_mrr, currency), currency };
        return {
          key: r.reason_id,
          label: r.text,
          value: metric === "mrr" ? majorUnits(money) : r.answers,
          color: colorById.get(r.reason_id) ?? "#64748b",
          display:
            metric === "mrr" ? formatMoney(money, { compact: true }) : formatCount(r.answers),
        };
      }),
    [ranked, metric, currency, colorById],
  );
  const draw = useCallback(
    (charts: typeof import("../components/charts.js"), width: number) =>
      charts.barChart(bars, width),
    [bars],
  );
  const label = `Bar chart of reasons by ${metric === "mrr" ? "lost MRR" : "answers"}: ${bars
    .map((b) => `${b.label} ${b.display}`)
    .join(", ")}`;

  return (
    <section className="card" aria-labelledby="reasons-heading">
      <div className="card-head">
        <h2 id="reasons-heading">Reasons</h2>
        <Segmented
          label="Rank reasons by"
          value={metric}
          options={[
            { value: "answers", label: "By answers" },
            { value: "mrr", label: "By lost MRR" },
          ]}
          onChange={(by) => setQuery({ by: by === "mrr" ? "mrr" : null })}
        />
      </div>
      {ranked.length === 0 ? (
        <p className="hint">No answers with a reason in this period.</p>
      ) : (
        <>
          <Chart label={label} draw={draw} />
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">
                Reasons ranked by {metric === "mrr" ? "lost MRR" : "answers"}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col" className="num">
                    Answers
                  </th>
                  <th scope="col" className="num col-share">
                    Share
                  </th>
                  <th scope="col" className="num">
                    Lost MRR
                  </th>
                </tr>
              </thead>
              <tbody>
                {ranked.map((r) => (
                  <tr key={r.reason_id}>
                    <th scope="row">
                      <span className="reason-cell">
                        <span
                          className="swatch"
                          aria-hidden="true"
                          style={{ background: colorById.get(r.reason_id) ?? "#64748b" }}
                        />
                        <Link
                          to={`${accountPath(accountId, "comments")}?reason=${encodeURIComponent(r.reason_id)}`}
                        >
                          {r.text}
                        </Link>
                        {r.archived && <span className="badge">archived</span>}
                      </span>
                    </th>
                    <td className="num">{formatCount(r.answers)}</td>
                    <td className="num col-share">{formatPercent(r.share)}</td>
                    <td className="num">
                      {r.lost_mrr.length ? r.lost_mrr.map((m) => formatMoney(m)).join(" + ") : "–"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function TrendSection({
  trend,
  error,
  loading,
  interval,
  reasons,
  colorById,
}: {
  trend: Trend | undefined;
  error: unknown;
  loading: boolean;
  interval: Interval;
  reasons: Reason[];
  colorById: Map<string, string>;
}) {
  const textById = useMemo(() => new Map(reasons.map((r) => [r.id, r.text])), [reasons]);
  const points = useMemo(
    () => (trend?.interval === interval ? trend.points : []),
    [trend, interval],
  );
  const shown = useMemo(() => {
    const ids = new Set(points.filter((p) => p.answers > 0).map((p) => p.reason_id));
    return reasons.filter((r) => ids.has(r.id));
  }, [points, reasons]);
  const data = useMemo(
    () =>
      points
        .filter((p) => p.answers > 0)
        .map(
          (p): TrendDatum => ({
            date: new Date(`${p.bucket}T00:00:00Z`),
            key: p.reason_id,
            label: textById.get(p.reason_id) ?? "Unknown reason",
            value: p.answers,
          }),
        ),
    [points, textById],
  );
  const colors = useMemo(
    () => ({
      domain: shown.map((r) => r.id),
      range: shown.map((r) => colorById.get(r.id) ?? "#64748b"),
    }),
    [shown, colorById],
  );
  const draw = useCallback(
    (charts: typeof import("../components/charts.js"), width: number) =>
      charts.trendChart(data, colors, interval, width),
    [data, colors, interval],
  );
  const buckets = [...new Set(points.map((p) => p.bucket))].sort();
  const label = `Stacked bar chart of answers per ${interval} by reason, ${
    buckets.length
      ? `from ${formatDay(buckets[0] as string)} to ${formatDay(buckets[buckets.length - 1] as string)}`
      : "empty"
  }`;

  return (
    <section className="card" aria-labelledby="trend-heading">
      <div className="card-head">
        <h2 id="trend-heading">Trend by reason</h2>
        <Segmented
          label="Group by"
          value={interval}
          options={[
            { value: "week", label: "Week" },
            { value: "month", label: "Month" },
          ]}
          onChange={(value) => setQuery({ interval: value })}
        />
      </div>
      {error !== undefined && !trend ? (
        <ErrorNotice error={error} />
      ) : !trend || (loading && trend.interval !== interval) ? (
        <Loading label="Loading trend…" />
      ) : data.length === 0 ? (
        <p className="hint">No answers in this period.</p>
      ) : (
        <>
          <Chart label={label} draw={draw} className="chart-trend" />
          <ul className="legend" aria-label="Reasons in the trend">
            {shown.map((r) => (
              <li key={r.id}>
                <span
                  className="swatch"
                  aria-hidden="true"
                  style={{ background: colorById.get(r.id) ?? "#64748b" }}
                />
                {r.text}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * The total in the reporting currency, from the owner's rates (Settings → Reporting
 * currency); said missing rather than guessed when a currency has no rate.
 */
function convertedInWords(totals: Insights["current"]): string {
  const converted = totals.lost_mrr_converted;
  // Nothing to convert when every amount is in the reporting currency already.
  if (!converted || totals.lost_mrr.every((m) => m.currency === converted.currency)) return "";
  if (converted.amount === null) {
    const missing = converted.missing_rates.map((c) => c.toUpperCase()).join(", ");
    return ` · no total: no rate for ${missing}`;
  }
  return ` = ${formatMoney({ amount: converted.amount, currency: converted.currency })} in all`;
}

import type { OfferPerformanceReply } from "../../contract/offer-performance.js";
import { formatCount, formatMoneyList, formatPercent } from "../lib/format.js";
import { DataTable } from "./data-table.js";
import { Kpi } from "./kpi.js";
import { EmptyState } from "./states.js";

/** A difference of two shares, in percentage points: "+12.3 pts". */
function points(value: number): string {
  const rounded = Math.round(value * 1000) / 10;
  return `${rounded > 0 ? "+" : ""}${rounded.toFixed(1)} pts`;
}

/**
 * What the offers did: per offer, how often it was shown and taken and how many accepts
 * proved saves (with their MRR); above it, the lift over the holdout with its 95% interval.
 */
export function OfferPerformance({ data }: { data: OfferPerformanceReply }) {
  if (data.offers.length === 0) {
    return (
      <EmptyState title="No offer shown yet">
        <p>Figures appear here once the widget shows offers to live customers.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <LiftSummary data={data} />
      <DataTable
        caption={`Saves are accepts still paying ${data.save_days} days on: active, not set to cancel, next invoice paid.`}
        columns={["Offer", "Shown", "Accepted", "Saved", "Pending", "Lost", "Saved MRR"]}
        className="offer-performance"
      >
        {data.offers.map((offer) => (
          <tr key={offer.offer_id}>
            <th scope="row">{offer.title ?? <em>Deleted offer</em>}</th>
            <td>{formatCount(offer.shown)}</td>
            <td>
              {formatCount(offer.accepted)}
              {offer.failed > 0 && ` (${formatCount(offer.failed)} failed)`}
            </td>
            <td>{formatCount(offer.saves.saved)}</td>
            <td>{formatCount(offer.saves.pending)}</td>
            <td>{formatCount(offer.saves.lost)}</td>
            <td>{offer.saved_mrr.length > 0 ? formatMoneyList(offer.saved_mrr) : "–"}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

function LiftSummary({ data }: { data: OfferPerformanceReply }) {
  const { lift } = data;
  if (!lift) {
    return (
      <p className="offer-lift-note">
        {data.holdout_percent === 0
          ? "Hold out a share of customers (in the settings below) to measure what offers add."
          : `The lift appears once at least ${data.lift_min_group} customers shown an offer and ${data.lift_min_group} held out are ${data.save_days} days past it.`}
      </p>
    );
  }
  return (
    <dl className="offer-lift">
      <Kpi
        label="Stayed, shown an offer"
        value={formatPercent(lift.treated_rate)}
        detail={`of ${formatCount(lift.n_treated)} customers`}
        change={null}
      />
      <Kpi
        label="Stayed, held out"
        value={formatPercent(lift.holdout_rate)}
        detail={`of ${formatCount(lift.n_holdout)} customers`}
        change={null}
      />
      <Kpi
        label="Lift"
        value={points(lift.difference)}
        detail={`95% interval ${points(lift.ci_low)} to ${points(lift.ci_high)}`}
        change={null}
      />
    </dl>
  );
}

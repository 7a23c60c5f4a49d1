import { LOCALE } from "../lib/format.js";
import "./kpi.css";

/** One headline number with its change against the previous period. */
export function Kpi({
  label,
  value,
  detail,
  change,
}: {
  label: string;
  value: string;
  detail?: string;
  change: { text: string; tone: "good" | "bad" | "neutral" } | null;
}) {
  return (
    <div className="kpi">
      <dt>{label}</dt>
      <dd>
        <span className="kpi-value">{value}</span>
        {detail && <span className="kpi-detail">{detail}</span>}
        {change && <span className={`kpi-change tone-${change.tone}`}>{change.text}</span>}
      </dd>
    </div>
  );
}

/**
 * "▲ 12% vs previous period"; `upIsGood` says which way is good news. Past five times the
 * previous value, a percentage says little ("▲ 75,000%"): the previous value says more.
 */
export function relativeChange(
  current: number,
  previous: number,
  upIsGood: boolean,
  format: (value: number) => string = (v) => new Intl.NumberFormat(LOCALE).format(v),
): { text: string; tone: "good" | "bad" | "neutral" } {
  if (previous === current) return { text: "No change vs previous period", tone: "neutral" };
  const up = current > previous;
  const tone = up === upIsGood ? "good" : "bad";
  if (previous === 0) return { text: "▲ New: none in previous period", tone };
  const ratio = (current - previous) / previous;
  if (ratio > 4) return { text: `▲ up from ${format(previous)} in previous period`, tone };
  const pct = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 1 }).format(
    Math.abs(ratio),
  );
  return { text: `${up ? "▲" : "▼"} ${pct} vs previous period`, tone };
}

/** Change of a share in percentage points: "▲ 4.2 pts". */
export function pointsChange(
  current: number | null,
  previous: number | null,
): { text: string; tone: "good" | "bad" | "neutral" } | null {
  if (current === null || previous === null) return null;
  const points = (current - previous) * 100;
  if (Math.abs(points) < 0.05) return { text: "No change vs previous period", tone: "neutral" };
  const value = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 }).format(
    Math.abs(points),
  );
  return {
    text: `${points > 0 ? "▲" : "▼"} ${value} pts vs previous period`,
    tone: points > 0 ? "good" : "bad",
  };
}

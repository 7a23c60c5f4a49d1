import { LOCALE } from "../lib/format.js";

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

/** "▲ 12% vs previous period"; `upIsGood` says which way is good news. */
export function relativeChange(
  current: number,
  previous: number,
  upIsGood: boolean,
): { text: string; tone: "good" | "bad" | "neutral" } {
  if (previous === 0 && current === 0)
    return { text: "No change vs previous period", tone: "neutral" };
  if (previous === 0)
    return { text: "▲ new vs none in previous period", tone: upIsGood ? "good" : "bad" };
  const ratio = (current - previous) / previous;
  if (Math.abs(ratio) < 0.0005) return { text: "No change vs previous period", tone: "neutral" };
  const pct = new Intl.NumberFormat(LOCALE, {
    style: "percent",
    maximumFractionDigits: 1,
  }).format(Math.abs(ratio));
  const up = ratio > 0;
  return {
    text: `${up ? "▲" : "▼"} ${pct} vs previous period`,
    tone: up === upIsGood ? "good" : "bad",
  };
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

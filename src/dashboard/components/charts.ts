// Loaded on demand (see chart.tsx): Observable Plot and d3 stay out of the first load.
import { axisX, axisY, barX, gridY, plot, rectY, ruleY, text } from "@observablehq/plot";

/** Plot's own <style> element is replaced by rules in styles.css (the CSP forbids inline CSS). */
const CLASS_NAME = "ci-plot";

export interface Bar {
  key: string;
  label: string;
  value: number;
  color: string;
  /** What the bar's end says, e.g. "42" or "$1.2K". */
  display: string;
}

const CHAR_PX = 6.4;

function shorten(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, Math.max(1, max - 1))}…` : label;
}

/** Horizontal bars, one per reason, largest first, each labelled with its value. */
export function barChart(bars: Bar[], width: number): Element {
  // Labels get up to 45% of the width; longer ones are cut (the table has them whole).
  const room = Math.floor((width * 0.45 - 12) / CHAR_PX);
  const longest = Math.max(0, ...bars.map((b) => b.label.length));
  const chars = Math.min(longest, room, 32);
  const marginLeft = Math.round(12 + chars * CHAR_PX);
  const labelOf = new Map(bars.map((b) => [b.key, shorten(b.label, chars)]));
  const max = Math.max(1, ...bars.map((b) => b.value));
  return plot({
    className: CLASS_NAME,
    width,
    height: 34 * bars.length + 20,
    marginLeft,
    marginRight: 56,
    marginTop: 4,
    marginBottom: 16,
    style: { fontSize: "12px" },
    x: { domain: [0, max], axis: null },
    y: {
      domain: bars.map((b) => b.key),
      tickFormat: (key: string) => labelOf.get(key) ?? key,
      label: null,
      tickSize: 0,
      padding: 0.28,
    },
    marks: [
      barX(bars, {
        x: "value",
        y: "key",
        fill: (b: Bar) => b.color,
        rx: 3,
        title: (b: Bar) => `${b.label}: ${b.display}`,
      }),
      text(bars, {
        x: "value",
        y: "key",
        text: "display",
        textAnchor: "start",
        dx: 6,
        fill: "#334155",
      }),
    ],
  });
}

export interface TrendDatum {
  date: Date;
  key: string;
  label: string;
  value: number;
}

/** Ticks on the bars' own boundaries (Mondays, months), thinned out to fit the width. */
function tickInterval(data: TrendDatum[], interval: "week" | "month", width: number): string {
  const buckets = new Set(data.map((d) => d.date.getTime())).size;
  const room = Math.max(2, Math.floor(width / 70));
  if (interval === "week") {
    if (buckets <= room) return "monday";
    return buckets / 4 <= room ? "month" : "3 months";
  }
  return buckets <= room ? "month" : buckets / 3 <= room ? "3 months" : "6 months";
}

/** Stacked bars per week or month, one colour per reason. */
export function trendChart(
  data: TrendDatum[],
  colors: { domain: string[]; range: string[] },
  interval: "week" | "month",
  width: number,
): Element {
  return plot({
    className: CLASS_NAME,
    width,
    height: 260,
    marginLeft: 40,
    marginTop: 12,
    marginBottom: 28,
    style: { fontSize: "12px" },
    x: { type: "utc", label: null },
    y: { label: null, grid: false, nice: true },
    color: { domain: colors.domain, range: colors.range },
    marks: [
      gridY({ stroke: "#e2e8f0", strokeOpacity: 1 }),
      axisY({ tickSize: 0, ticks: 5, tickFormat: "~s" }),
      axisX({ ticks: tickInterval(data, interval, width), tickSize: 0 }),
      rectY(data, {
        x: "date",
        y: "value",
        fill: "key",
        interval: interval === "week" ? "monday" : "month",
        inset: 1,
        title: (d: TrendDatum) => `${d.label}: ${d.value}`,
      }),
      ruleY([0], { stroke: "#94a3b8" }),
    ],
  });
}

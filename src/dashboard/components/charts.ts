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

const MAX_LABEL = 28;
const shorten = (label: string) =>
  label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;

/** Horizontal bars, one per reason, largest first, each labelled with its value. */
export function barChart(bars: Bar[], width: number): Element {
  const labels = bars.map((b) => shorten(b.label));
  const longest = Math.max(0, ...labels.map((l) => l.length));
  const marginLeft = Math.min(Math.round(width * 0.45), 12 + longest * 6.4);
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
      tickFormat: (key: string) => shorten(bars.find((b) => b.key === key)?.label ?? key),
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
      axisX({ ticks: width < 480 ? 4 : 8, tickSize: 0 }),
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

import { useEffect, useRef, useState } from "react";
import "./chart.css";

type Charts = typeof import("./charts.js");

let loading: Promise<Charts> | undefined;
/** The chart library (Observable Plot, with d3) is fetched the first time a chart shows. */
function loadCharts(): Promise<Charts> {
  loading ??= import("./charts.js");
  return loading;
}

/**
 * A chart drawn by Observable Plot into this box, redrawn when its data or width change.
 * The box is one image for assistive technology; the page shows the same numbers in a table.
 */
export function Chart({
  label,
  draw,
  className,
}: {
  label: string;
  draw: (charts: Charts, width: number) => Element;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const next = Math.floor(entry?.contentRect.width ?? 0);
      setWidth((current) => (Math.abs(current - next) > 4 ? next : current));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = box.current;
    if (!el || width === 0) return;
    let cancelled = false;
    loadCharts().then(
      (charts) => {
        if (cancelled) return;
        const chart = draw(charts, width);
        for (const style of chart.querySelectorAll("style")) style.remove();
        // The box is the image and carries the description; Plot's own labels of its
        // groups ("rule", "bar") would only be noise, and are not allowed on plain <g>.
        for (const el of [chart, ...chart.querySelectorAll("[aria-label], [aria-description]")]) {
          el.removeAttribute("aria-label");
          el.removeAttribute("aria-description");
        }
        el.replaceChildren(chart);
      },
      () => setFailed(true),
    );
    return () => {
      cancelled = true;
    };
  }, [draw, width]);

  return (
    <div className={`chart${className ? ` ${className}` : ""}`}>
      <div ref={box} role="img" aria-label={label} className="chart-canvas" />
      {failed && (
        <p className="hint">The chart could not be loaded; the table shows the numbers.</p>
      )}
    </div>
  );
}

import { type FormEvent, useEffect, useState } from "react";
import { PRESETS, type PresetId, presetRange, today } from "../lib/dates.js";
import type { RangeFilter } from "../lib/filters.js";
import "./range-picker.css";

/** A preset select, and for "Custom range" two dates and an Apply button. */
export function RangePicker({
  filter,
  onChange,
}: {
  filter: RangeFilter;
  onChange(change: { preset: PresetId; from: string; to: string }): void;
}) {
  const [custom, setCustom] = useState(filter.preset === "custom");
  const [from, setFrom] = useState(filter.from);
  const [to, setTo] = useState(filter.to);

  useEffect(() => {
    setFrom(filter.from);
    setTo(filter.to);
    setCustom(filter.preset === "custom");
  }, [filter.from, filter.to, filter.preset]);

  const pick = (value: string) => {
    const preset = PRESETS.find((p) => p.id === value)?.id ?? "30d";
    if (preset === "custom") {
      setCustom(true);
      return;
    }
    setCustom(false);
    onChange({ preset, ...presetRange(preset, today()) });
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (!from || !to) return;
    const [first, last] = from <= to ? [from, to] : [to, from];
    onChange({ preset: "custom", from: first, to: last });
  };

  return (
    <div className="range">
      <div className="control">
        <label htmlFor="range-preset">Date range</label>
        <select
          id="range-preset"
          value={custom ? "custom" : filter.preset}
          onChange={(e) => pick(e.target.value)}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      {custom && (
        <form className="range-custom" onSubmit={apply}>
          <div className="control">
            <label htmlFor="range-from">From</label>
            <input
              id="range-from"
              type="date"
              value={from}
              max={today()}
              required
              onChange={(e) => setFrom(e.target.value)}
            />
          </div>
          <div className="control">
            <label htmlFor="range-to">To</label>
            <input
              id="range-to"
              type="date"
              value={to}
              max={today()}
              required
              onChange={(e) => setTo(e.target.value)}
            />
          </div>
          <button type="submit" className="button">
            Apply
          </button>
        </form>
      )}
    </div>
  );
}

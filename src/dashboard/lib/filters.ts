import type { InsightsFilter } from "../api/endpoints.js";
import type { Interval } from "../api/types.js";
import { useLocation } from "../router.js";
import { daysBetween, isDay, isPreset, type PresetId, presetRange, today } from "./dates.js";

export interface RangeFilter extends InsightsFilter {
  preset: PresetId;
}

/** The insights filter as the address bar holds it, so a view can be bookmarked and shared. */
export function useRangeFilter(): RangeFilter {
  const { query } = useLocation();
  return rangeFilterOf(query);
}

export function rangeFilterOf(query: URLSearchParams): RangeFilter {
  const asked = query.get("range");
  let preset: PresetId = isPreset(asked) ? asked : "30d";
  let from = query.get("from");
  let to = query.get("to");
  if (preset === "custom" && isDay(from) && isDay(to)) {
    if (from > to) [from, to] = [to, from];
  } else {
    if (preset === "custom") preset = "30d";
    ({ from, to } = presetRange(preset, today()));
  }
  return {
    preset,
    from,
    to,
    reasonIds: query.getAll("reason"),
    plans: query.getAll("plan"),
    includeTest: query.get("test") === "1",
  };
}

/** Query values for `setQuery` that describe a filter. */
export function rangeQuery(filter: Partial<RangeFilter>): Record<string, string | string[] | null> {
  const values: Record<string, string | string[] | null> = {};
  if (filter.preset !== undefined) {
    values.range = filter.preset === "30d" ? null : filter.preset;
    values.from = filter.preset === "custom" ? (filter.from ?? null) : null;
    values.to = filter.preset === "custom" ? (filter.to ?? null) : null;
  }
  if (filter.reasonIds !== undefined) values.reason = filter.reasonIds;
  if (filter.plans !== undefined) values.plan = filter.plans;
  if (filter.includeTest !== undefined) values.test = filter.includeTest ? "1" : null;
  return values;
}

export function defaultInterval(filter: InsightsFilter): Interval {
  return daysBetween(filter.from, filter.to) > 120 ? "month" : "week";
}

/** Colours for reasons (Observable's 10-colour scheme), by their place in the account's list. */
export const PALETTE = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
  "#9c6b4e",
  "#9498a0",
];

export function colorOf(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length] as string;
}

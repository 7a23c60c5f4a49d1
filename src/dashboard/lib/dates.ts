/** Date ranges in UTC days (`YYYY-MM-DD`), as the server counts them. */

const DAY_MS = 86_400_000;

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

export function isDay(value: string | null | undefined): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
}

export const PRESETS = [
  { id: "7d", label: "Last 7 days" },
  { id: "30d", label: "Last 30 days" },
  { id: "90d", label: "Last 90 days" },
  { id: "month", label: "This month" },
  { id: "last-month", label: "Last month" },
  { id: "12m", label: "Last 12 months" },
  { id: "custom", label: "Custom range" },
] as const;

export type PresetId = (typeof PRESETS)[number]["id"];

export function isPreset(value: string | null): value is PresetId {
  return PRESETS.some((p) => p.id === value);
}

/** The days a preset covers, ending today (UTC). */
export function presetRange(
  preset: Exclude<PresetId, "custom">,
  now = today(),
): {
  from: string;
  to: string;
} {
  const monthStart = `${now.slice(0, 8)}01`;
  switch (preset) {
    case "7d":
      return { from: addDays(now, -6), to: now };
    case "30d":
      return { from: addDays(now, -29), to: now };
    case "90d":
      return { from: addDays(now, -89), to: now };
    case "month":
      return { from: monthStart, to: now };
    case "last-month": {
      const to = addDays(monthStart, -1);
      return { from: `${to.slice(0, 8)}01`, to };
    }
    case "12m":
      return { from: addDays(now, -364), to: now };
  }
}

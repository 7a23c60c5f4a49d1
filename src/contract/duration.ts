/**
 * A time left in words, rounded to its largest units: `45s`, `3m`, `1h 5m` (`short`, the
 * CLI's bar), or `45 s`, `3 min`, `1 h 5 min` (`long`, the dashboard's sentence).
 */
export function formatDuration(seconds: number, style: "short" | "long" = "short"): string {
  const [s, m, h] = style === "short" ? ["s", "m", "h"] : [" s", " min", " h"];
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}${s}`;
  const minutes = Math.round(whole / 60);
  if (minutes < 60) return `${minutes}${m}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours}${h}` : `${hours}${h} ${rest}${m}`;
}

import type { BillingProvider, CreatedWindow, ListName } from "../billing/provider.js";
import type { StoredListPlan } from "../db/schema.js";

const DAY = 86_400;
const HOUR = 3600;
/** A list of about this many pages at most is walked in one go: windows would only add requests. */
export const FEW_PAGES = 5;

/**
 * The `created` windows of a list spanning [oldest, newest], newest first: [gte, lt) each,
 * the first open above (objects created meanwhile), the last open below (the oldest is an
 * estimate), so together they cover every object once whatever the estimate. Bounds are
 * multiples of the width from the epoch, the width whole days: at least `windowDays`, and
 * wide enough for about a page each (never more windows than pages).
 */
export function windowsOf(
  span: { newest: number; oldest: number; estimated: number },
  pageSize: number,
  windowDays: number,
): CreatedWindow[] {
  const { newest, oldest, estimated } = span;
  if (windowDays === 0 || estimated <= FEW_PAGES * pageSize) return [{}];
  const perPage = (newest - oldest) / Math.ceil(estimated / pageSize);
  const width = Math.max(windowDays, Math.ceil(perPage / DAY)) * DAY;
  const bounds: number[] = [];
  for (let at = (Math.floor(oldest / width) + 1) * width; at <= newest; at += width) {
    bounds.push(at);
  }
  if (bounds.length === 0) return [{}];
  const windows: CreatedWindow[] = [{ gte: bounds.at(-1) }];
  for (let i = bounds.length - 1; i > 0; i--) windows.push({ gte: bounds[i - 1], lt: bounds[i] });
  windows.push({ lt: bounds[0] });
  return windows;
}

/**
 * Plans a backfill's walk of one list. Stripe gives no totals and lists newest first only, so:
 * one page of creation times (the newest, and how dense the list is), then, if there is more,
 * a bisection of `created[lte]` probes of one object each for the oldest time, to within 1% of
 * the span or an hour (a dozen or two requests, once per list). The estimated count (the first
 * page's density over the span) decides whether the list is split in windows.
 */
export async function planList(
  provider: BillingProvider,
  list: ListName,
  options: { windowDays: number; signal?: AbortSignal },
): Promise<{ plan: StoredListPlan; requests: number }> {
  const { pageSize } = provider;
  const probe = (lte?: number, limit = 1) =>
    provider.probeCreated(list, { lte, limit, signal: options.signal });
  const first = await probe(undefined, pageSize);
  const newest = first.created[0];
  const lastOfPage = first.created.at(-1);
  if (newest === undefined || lastOfPage === undefined) {
    return { plan: { newest: 0, oldest: 0, windows: [{}], at: 0 }, requests: 1 };
  }
  let requests = 1;
  // No object is created at or before `lo`; one is at `hi`.
  let lo = -1;
  let hi = lastOfPage;
  while (first.hasMore && hi - lo > Math.max(HOUR, (newest - hi) / 100)) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const found = (await probe(mid)).created[0];
    requests++;
    if (found === undefined) lo = mid;
    else hi = found;
  }
  const oldest = hi;
  const estimated = first.hasMore
    ? (pageSize * (newest - oldest)) / Math.max(1, newest - lastOfPage)
    : first.created.length;
  const windows = windowsOf({ newest, oldest, estimated }, pageSize, options.windowDays);
  return { plan: { newest, oldest, windows, at: 0 }, requests };
}

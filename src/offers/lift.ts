import type { Static } from "typebox";
import type { OfferLift } from "../contract/offer-performance.js";

/**
 * What offers change: among eligible customers, the share still with us after the save
 * window when shown an offer against when held out, and the difference with a 95%
 * confidence interval.
 *
 * The interval is Newcombe's hybrid score interval (method 10 of Newcombe 1998, "Interval
 * estimation for the difference between independent proportions: comparison of eleven
 * methods", Statistics in Medicine 17, 873-890): each group's Wilson score interval,
 * combined. Not the textbook Wald interval: holdouts are small (10% of a few hundred
 * cancels) and retention rates sit near 0 or 1, where Wald's coverage is poor and it gives
 * a zero-width interval for 0/n or n/n.
 */

/** The normal quantile of a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** Fewer customers than this in either group, whose window is over, and there is no lift. */
export const MIN_GROUP = 10;

export interface Group {
  /** Customers whose window is over. */
  n: number;
  /** Of them, those who did not cancel within it. */
  retained: number;
}

/** In the API's own shape: nothing to translate on the way out. */
export type Lift = Static<typeof OfferLift>;

/** The Wilson score interval of `x` successes in `n` (n > 0). */
export function wilsonInterval(x: number, n: number, z = Z95): [number, number] {
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const scale = 1 + z2 / n;
  return [(centre - half) / scale, (centre + half) / scale];
}

/** Newcombe's hybrid score interval of p1 − p2 (both n > 0). */
export function differenceInterval(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z = Z95,
): { difference: number; low: number; high: number } {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilsonInterval(x1, n1, z);
  const [l2, u2] = wilsonInterval(x2, n2, z);
  const difference = p1 - p2;
  return {
    difference,
    low: difference - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
    high: difference + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
  };
}

/** The lift of the treated group over the holdout; null while either is too small. */
export function liftOf(treated: Group, holdout: Group, minGroup = MIN_GROUP): Lift | null {
  if (treated.n < Math.max(1, minGroup) || holdout.n < Math.max(1, minGroup)) return null;
  const { difference, low, high } = differenceInterval(
    treated.retained,
    treated.n,
    holdout.retained,
    holdout.n,
  );
  return {
    treated_rate: treated.retained / treated.n,
    holdout_rate: holdout.retained / holdout.n,
    difference,
    ci_low: low,
    ci_high: high,
    n_treated: treated.n,
    n_holdout: holdout.n,
  };
}

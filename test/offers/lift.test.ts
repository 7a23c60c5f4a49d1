import { describe, expect, it } from "vitest";
import { isHeldOut } from "../../src/offers/eligibility.js";
import { differenceInterval, liftOf, wilsonInterval } from "../../src/offers/lift.js";

describe("the difference interval (Newcombe's hybrid score, method 10)", () => {
  // Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10: the paper's
  // eight examples and its published limits, to four decimals.
  const published: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ];
  it.each(published)("%i/%i − %i/%i: %f to %f", (x1, n1, x2, n2, low, high) => {
    const interval = differenceInterval(x1, n1, x2, n2);
    expect(interval.difference).toBeCloseTo(x1 / n1 - x2 / n2, 12);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  // Newcombe (1998), Statistics in Medicine 17:857-872, the single proportion: 81/263.
  it("builds on Wilson's interval for one proportion: 81/263 is 0.2553 to 0.3662", () => {
    const [low, high] = wilsonInterval(81, 263);
    expect(low).toBeCloseTo(0.2553, 4);
    expect(high).toBeCloseTo(0.3662, 4);
  });
});

describe("the lift", () => {
  it("compares retention shown an offer with retention held out", () => {
    expect(liftOf({ n: 70, retained: 56 }, { n: 80, retained: 48 })).toEqual({
      treated_rate: 0.8,
      holdout_rate: 0.6,
      difference: expect.closeTo(0.2, 12),
      ci_low: expect.closeTo(0.0524, 4),
      ci_high: expect.closeTo(0.3339, 4),
      n_treated: 70,
      n_holdout: 80,
    });
  });

  it("is null while either group is smaller than the minimum", () => {
    expect(liftOf({ n: 70, retained: 56 }, { n: 9, retained: 3 })).toBeNull();
    expect(liftOf({ n: 9, retained: 5 }, { n: 70, retained: 3 })).toBeNull();
    expect(liftOf({ n: 10, retained: 5 }, { n: 10, retained: 3 })).not.toBeNull();
    expect(liftOf({ n: 0, retained: 0 }, { n: 0, retained: 0 }, 0)).toBeNull();
  });
});

describe("the holdout split", () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `cus_${i.toString(36)}`);

  it("puts the same customer on the same side every time, per account", () => {
    for (const id of ids.slice(0, 500)) {
      const side = isHeldOut("acc_1", id, 10);
      expect(isHeldOut("acc_1", id, 10)).toBe(side);
    }
    // Another account draws its own split.
    const differs = ids
      .slice(0, 500)
      .filter((id) => isHeldOut("acc_1", id, 10) !== isHeldOut("acc_2", id, 10));
    expect(differs.length).toBeGreaterThan(0);
  });

  it("holds out about the share asked for, and none at 0%", () => {
    for (const percent of [5, 10, 25, 50]) {
      const share = ids.filter((id) => isHeldOut("acc_1", id, percent)).length / ids.length;
      // Within four standard errors of the binomial at n = 20 000.
      const se = Math.sqrt(((percent / 100) * (1 - percent / 100)) / ids.length);
      expect(Math.abs(share - percent / 100)).toBeLessThan(4 * se);
    }
    expect(ids.some((id) => isHeldOut("acc_1", id, 0))).toBe(false);
  });

  it("keeps those held out at 10% held out at 20%: raising the share only adds customers", () => {
    const at10 = ids.filter((id) => isHeldOut("acc_1", id, 10));
    expect(at10.every((id) => isHeldOut("acc_1", id, 20))).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { formatDuration } from "../../src/contract/duration.js";
import { estimateBackfill } from "../../src/sync/estimate.js";

// A list whose objects were created over 1000 seconds, newest at 2000.
const plan = { newest: 2000, oldest: 1000, windows: [{}], at: 0 };
const running = { state: "running" as const, plan };

describe("the backfill estimate", () => {
  it("counts the customers as half while the subscriptions are unknown", () => {
    const at = estimateBackfill({
      ...running,
      phase: "customers",
      customers: 300,
      subscriptions: 0,
      reachedCreated: 1500,
      elapsedSeconds: 60,
    });
    // Half the customers' span is a quarter of the whole: 60 s done, 180 s left.
    expect(at).toEqual({ fraction: 0.25, etaSeconds: 180 });
  });

  it("extrapolates the subscriptions from their share once they are listed", () => {
    const at = estimateBackfill({
      ...running,
      phase: "subscriptions",
      customers: 600,
      subscriptions: 200,
      reachedCreated: 1800,
      elapsedSeconds: 80,
    });
    // 200 subscriptions are a fifth of their span: 1000 in all, 800 of 1600 objects done.
    expect(at).toEqual({ fraction: 0.5, etaSeconds: 80 });
  });

  it("is 0 without a page, 1 when done, and gives no ETA for a run that stopped", () => {
    const base = { phase: "customers" as const, customers: 0, subscriptions: 0, elapsedSeconds: 5 };
    expect(estimateBackfill({ ...running, ...base, reachedCreated: null })).toEqual({
      fraction: 0,
      etaSeconds: null,
    });
    expect(estimateBackfill({ ...running, ...base, phase: "done", reachedCreated: null })).toEqual({
      fraction: 1,
      etaSeconds: 0,
    });
    expect(
      estimateBackfill({ ...base, plan, state: "failed", customers: 9, reachedCreated: 1500 }),
    ).toEqual({ fraction: 0.25, etaSeconds: null });
    // Objects created since the plan are newer than its span: not progress backwards.
    expect(estimateBackfill({ ...running, ...base, reachedCreated: 2500 }).fraction).toBe(0);
  });
});

describe("formatDuration", () => {
  it("rounds to the largest units, short for the CLI and long for the dashboard", () => {
    expect(formatDuration(45)).toBe("45s");
    expect(formatDuration(170)).toBe("3m");
    expect(formatDuration(3900)).toBe("1h 5m");
    expect(formatDuration(7200, "long")).toBe("2 h");
    expect(formatDuration(170, "long")).toBe("3 min");
  });
});

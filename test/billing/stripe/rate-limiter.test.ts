import { describe, expect, it } from "vitest";
import { createRateLimiter } from "../../../src/billing/stripe/rate-limiter.js";
import { VirtualClock } from "../virtual-clock.js";

/** The most starts any window of one second holds. */
function busiestSecond(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (const [i, start] of sorted.entries()) {
    most = Math.max(most, sorted.filter((t, j) => j >= i && t < start + 1000).length);
  }
  return most;
}

describe("the rate limiter", () => {
  it("spaces one caller's requests evenly at the rate", async () => {
    const clock = new VirtualClock();
    const limiter = createRateLimiter(10, clock);
    const starts: number[] = [];
    for (let i = 0; i < 30; i++) {
      await limiter.acquire();
      starts.push(clock.now());
    }
    expect(Math.max(...starts) - Math.min(...starts)).toBe(2900);
    expect(busiestSecond(starts)).toBe(10);
  });

  it("keeps the rate for all its callers together", async () => {
    const clock = new VirtualClock();
    const limiter = createRateLimiter(25, clock);
    const starts: number[] = [];
    const caller = async () => {
      for (let i = 0; i < 40; i++) {
        await limiter.acquire();
        starts.push(clock.now());
      }
    };
    await Promise.all([caller(), caller(), caller()]);
    expect(starts).toHaveLength(120);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(25);
    // ...and not much slower than that: 120 starts at 25 per second take 4.76 s.
    expect(Math.max(...starts) - Math.min(...starts)).toBe(4760);
  });

  it("holds every caller until the hold ends, then spaces them again", async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    const limiter = createRateLimiter(10, clock);
    await limiter.acquire();
    limiter.holdUntil(start + 2000);
    const starts: number[] = [];
    await Promise.all(
      [1, 2, 3].map(async () => {
        await limiter.acquire();
        starts.push(clock.now() - start);
      }),
    );
    expect(starts).toEqual([2000, 2100, 2200]);
  });

  it("with rate 0 lets requests through at once", async () => {
    const clock = new VirtualClock();
    const limiter = createRateLimiter(0, clock);
    for (let i = 0; i < 100; i++) await limiter.acquire();
    expect(clock.sleeps).toEqual([]);
  });
});

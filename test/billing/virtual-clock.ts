import type { Clock } from "../../src/billing/clock.js";

/**
 * A clock that never waits: `sleep` lets time jump to the end of the earliest pending
 * sleep once everything runnable has run, so concurrent sleepers wake in the order real
 * time would wake them. Every requested sleep is kept in `sleeps`.
 */
export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];
  private timeMs: number;
  private readonly timers: { at: number; wake: () => void }[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.timeMs = startMs;
  }

  now = (): number => this.timeMs;

  sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise((wake) => {
      this.timers.push({ at: this.timeMs + ms, wake });
      this.timers.sort((a, b) => a.at - b.at);
      setImmediate(() => this.fireEarliest());
    });
  };

  /** Moves time on by hand (a slow response, a day passing). */
  advance(ms: number): void {
    this.timeMs += ms;
  }

  private fireEarliest(): void {
    const timer = this.timers.shift();
    if (!timer) return;
    this.timeMs = Math.max(this.timeMs, timer.at);
    timer.wake();
  }
}

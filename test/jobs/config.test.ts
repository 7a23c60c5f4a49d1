import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { runCli } from "../helpers/cli.js";

describe("worker settings", () => {
  it("default to production values", () => {
    expect(loadConfig({}).jobs).toEqual({
      pollMs: 1000,
      notifiedPollMs: 30_000,
      concurrency: 4,
      logDays: 30,
    });
  });

  it("take the poll interval from WORKER_POLL_MS, or its old name WEBHOOK_POLL_MS", () => {
    // Set, it holds whether or not the worker hears of new work.
    const both = (ms: number) => ({ pollMs: ms, notifiedPollMs: ms });
    expect(loadConfig({ WORKER_POLL_MS: "500" }).jobs).toMatchObject(both(500));
    expect(loadConfig({ WEBHOOK_POLL_MS: "700" }).jobs).toMatchObject(both(700));
    expect(loadConfig({ WORKER_POLL_MS: "500", WEBHOOK_POLL_MS: "700" }).jobs).toMatchObject(
      both(500),
    );
    expect(() => loadConfig({ WORKER_POLL_MS: "0" })).toThrow(/^WORKER_POLL_MS must be/);
    expect(() => loadConfig({ WEBHOOK_POLL_MS: "0" })).toThrow(/^WEBHOOK_POLL_MS must be/);
  });

  it("read JOB_CONCURRENCY and JOB_LOG_DAYS, and check them", () => {
    expect(loadConfig({ JOB_CONCURRENCY: "2", JOB_LOG_DAYS: "0" }).jobs).toMatchObject({
      concurrency: 2,
      logDays: 0,
    });
    expect(() => loadConfig({ JOB_LOG_DAYS: "-1" })).toThrow(/JOB_LOG_DAYS/);
  });

  it("stop `cancel-insights worker` with a one-line message when wrong", async () => {
    const result = await runCli(["worker"], { JOB_CONCURRENCY: "0" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'cancel-insights: JOB_CONCURRENCY must be an integer >= 1, got "0".',
    );
  });
});

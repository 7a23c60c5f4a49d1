import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { runCli } from "../helpers/cli.js";

describe("cancel-insights worker", () => {
  it("is listed in the help", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}worker\s+deliver webhooks/m);
  });

  it("stops with a one-line message on a bad setting", async () => {
    const result = await runCli(["worker"], { WEBHOOK_MAX_ATTEMPTS: "0" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'cancel-insights: WEBHOOK_MAX_ATTEMPTS must be an integer >= 1, got "0".',
    );
  });
});

describe("webhook settings", () => {
  it("default to production values, private targets refused", () => {
    const config = loadConfig({});
    expect(config.worker).toBe(true);
    expect(config.webhooks).toEqual({
      timeoutMs: 10_000,
      retryBaseMs: 30_000,
      maxDelayMs: 6 * 3600_000,
      maxAttempts: 15,
      allowPrivateTargets: false,
      logDays: 30,
    });
  });

  it("are read from the environment and checked", () => {
    const config = loadConfig({
      WORKER: "off",
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "on",
      WEBHOOK_RETRY_BASE_MS: "20",
    });
    expect(config.worker).toBe(false);
    expect(config.webhooks).toMatchObject({ allowPrivateTargets: true, retryBaseMs: 20 });
    // A poll interval set holds whether or not the worker hears of new deliveries.
    expect(loadConfig({ WEBHOOK_POLL_MS: "500" }).jobs).toMatchObject({
      pollMs: 500,
      notifiedPollMs: 500,
    });
    expect(() => loadConfig({ WEBHOOK_POLL_MS: "0" })).toThrow(/WEBHOOK_POLL_MS/);
    expect(() => loadConfig({ WORKER: "maybe" })).toThrow('WORKER must be on or off, got "maybe".');
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: "soon" })).toThrow(/WEBHOOK_TIMEOUT_MS/);
    expect(() => loadConfig({ WEBHOOK_LOG_DAYS: "-1" })).toThrow(/WEBHOOK_LOG_DAYS/);
  });
});

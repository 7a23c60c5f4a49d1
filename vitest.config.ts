import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Browser, database and CLI tests start real servers and processes (PGlite runs initdb
    // for each new data directory). On a loaded 2-core machine one such start was measured
    // at 30-90 s, so a timeout is a bound for a hang, not a speed check.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});

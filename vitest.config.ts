import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One migrated PGlite database per run that tests copy (test/helpers/pglite-template.ts).
    globalSetup: ["test/global-setup.ts"],
    // Browser, database and CLI tests start real servers and processes. On a loaded 2-core
    // machine one such start was measured at 30-90 s, so a timeout is a bound for a hang, not
    // a speed check.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default (cores − 1) runs one file at a time on 2 cores, while much of a file's
    // time is spent waiting on a browser, a child process or a socket: two at a time took the
    // suite from 469 s to 328 s there, under load.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});

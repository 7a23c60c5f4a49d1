import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { TEST_NODE_FLAGS } from "./test/helpers/node-flags.js";

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
    // The test files of a worker share its modules: the app, its packages and PGlite's
    // WebAssembly are loaded and compiled once per worker, not once per file. Measured on
    // test/auth and test/api: 68 s of CPU with a process per file, 40 s shared. Each file
    // still makes its own databases, servers and browser (test/helpers), and closes them.
    isolate: false,
    // PGlite is Postgres compiled to WebAssembly, and V8 recompiles its hot functions with its
    // optimizing compiler: CPU that a test's few queries hardly win back (test/helpers/
    // node-flags.ts; six database test files: 42-45 s of CPU instead of 46 s).
    execArgv: [...TEST_NODE_FLAGS],
    // Vitest's default (cores − 1) runs one file at a time on 2 cores, while much of a file's
    // time is spent waiting on a browser, a child process or a socket: two at a time took the
    // suite from 469 s to 328 s there, under load.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});

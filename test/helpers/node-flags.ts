/**
 * Node's flags for the processes that run tests and the CLI processes they start. V8 first
 * compiles WebAssembly with its baseline compiler and then, in the background, recompiles hot
 * functions with its optimizing one: for PGlite (Postgres in WebAssembly) that second compile
 * costs about a second of CPU per process, more than a test's few queries ever win back. The
 * product runs without it; the code and what it does are the same either way.
 */
export const TEST_NODE_FLAGS = ["--liftoff-only"] as const;

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type DatabaseHandle, openDatabase } from "../../src/db/database.js";
import { createTestDatabase, testEngine } from "./database.js";
import { TEST_NODE_FLAGS } from "./node-flags.js";
import { copyTemplateInto } from "./pglite-template.js";
import { TEST_SECRETS_KEY } from "./secrets.js";

const CLI = fileURLToPath(new URL("../../bin/cancel-insights.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a CLI process: this one's, with the tests' secrets key (the key the test
 * process seals with too, and no key file made in a shared directory), and `env` over both.
 * `SECRETS_KEY: ""` leaves the key to the data directory's key file.
 */
function cliEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...process.env, SECRETS_KEY: TEST_SECRETS_KEY, ...env };
}

/** The real CLI in a child process, as a user's shell would start it (with TEST_NODE_FLAGS). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [...TEST_NODE_FLAGS, CLI, ...args], {
    env: cliEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the real CLI to its end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface StartedCli {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when a signal ended it) once the process has ended. */
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** Starts `cancel-insights start` and resolves once it prints that it is running. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<StartedCli> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(["start", ...args], { LOG_LEVEL: "warn", ...env });
    let output = "";
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    };
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`start did not come up:\n${output}`));
    }, 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Cancel Insights is running at")) {
        clearTimeout(timer);
        resolve({ child, output: () => output, exited, stop });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`start exited with ${code}:\n${output}`));
    });
  });
}

/** A `cancel-insights worker` process; `output()` is what it has logged so far. */
export function startWorker(env: NodeJS.ProcessEnv): {
  output: () => string;
  stop: () => Promise<number | null>;
} {
  const child = spawnCli(["worker"], env);
  let output = "";
  const onData = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return {
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
      return child.exitCode;
    },
  };
}

/**
 * An empty database for CLI processes of the engine under test: a PGlite data directory,
 * or a fresh Postgres database. `open()` reaches it from the test (close it again before
 * a CLI process needs a PGlite directory).
 */
export async function cliDatabase(): Promise<{
  env: NodeJS.ProcessEnv;
  open: () => Promise<DatabaseHandle>;
  cleanup: () => Promise<void>;
}> {
  if (testEngine === "postgres") {
    const database = await createTestDatabase();
    return {
      env: { DATABASE_URL: database.url ?? "" },
      open: () => openDatabase({ databaseUrl: database.url }),
      cleanup: () => database.close(),
    };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), "ci-cli-"));
  await copyTemplateInto(dataDir);
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: "" },
    open: () => openDatabase({ dataDir }),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

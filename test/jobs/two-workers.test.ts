import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { waitFor } from "../helpers/browser.js";
import { createTestDatabase, testEngine } from "../helpers/database.js";
import { runnerFor } from "./setup.js";
import { createRunsTable, recordingKind } from "./two-workers-kind.js";

const JOBS = 200;
const WORKER_PROCESS = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

interface Workers {
  stop(): Promise<void>;
}

/** Postgres: two worker processes on one database, as in production. */
async function workerProcesses(url: string): Promise<Workers> {
  const children = ["a", "b"].map((name) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER_PROCESS], {
      env: { ...process.env, DATABASE_URL: url, WORKER_NAME: name },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    return { child, output: () => output };
  });
  await waitFor(
    () => children.every((c, i) => c.output().includes(`${"ab"[i]} ready`)),
    "both workers to start",
    30_000,
  );
  return {
    async stop() {
      const exits = await Promise.all(
        children.map(({ child }) => {
          const exited = new Promise((resolve) => child.once("exit", resolve));
          child.kill("SIGTERM");
          return exited;
        }),
      );
      expect(exits).toEqual([0, 0]);
    },
  };
}

/** PGlite serves one process: two workers in this one, on the same database. */
function workersInProcess(database: Awaited<ReturnType<typeof createTestDatabase>>): Workers {
  const runners = ["a", "b"].map((name) =>
    runnerFor(database, [recordingKind(database.db, name)], {
      pollMs: 1000,
      notifiedPollMs: 30_000,
    }),
  );
  for (const runner of runners) runner.start();
  return { stop: async () => void (await Promise.all(runners.map((r) => r.stop()))) };
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workers: Workers;
beforeAll(async () => {
  database = await createTestDatabase();
  await createRunsTable(database.db);
  workers =
    testEngine === "postgres"
      ? await workerProcesses(database.url ?? "")
      : workersInProcess(database);
}, 60_000);
afterAll(async () => {
  await workers?.stop();
  await database?.close();
});

async function doneCount(db: Database): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::integer as n from jobs
    where kind = 'test.record' and status = 'done'`.execute(db);
  return result.rows[0]?.n ?? 0;
}

describe(`two workers at once (${testEngine === "postgres" ? "two processes" : "one process"})`, () => {
  it("run each job once, and every one", async () => {
    const { db } = database;
    const kind = recordingKind(db, "enqueuer");
    for (let n = 0; n < JOBS; n += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => kind.enqueue(db, { n: n + i })));
    }
    await waitFor(async () => (await doneCount(db)) === JOBS, "every job done", 60_000);
    // A job enqueued once all are done and run after them: a second run of any job, by a
    // worker that claimed it again, would have been recorded by now.
    const { job: marker } = await kind.enqueue(db, { n: -1 });
    await waitFor(async () => (await doneCount(db)) === JOBS + 1, "the marker", 60_000);

    const { rows: runs } = await sql<{ job_id: string; worker: string; attempt: number }>`
      select job_id, worker, attempt from test_job_runs`.execute(db);
    expect(runs).toHaveLength(JOBS + 1);
    expect(new Set(runs.map((r) => r.job_id)).size).toBe(JOBS + 1);
    expect(runs.map((r) => r.job_id)).toContain(marker.id);
    expect(runs.filter((r) => r.attempt !== 1)).toEqual([]);
    const byWorker = (w: string) => runs.filter((r) => r.worker === w).length;
    expect(byWorker("a"), "worker a ran some").toBeGreaterThan(0);
    expect(byWorker("b"), "worker b ran some").toBeGreaterThan(0);
  });
});

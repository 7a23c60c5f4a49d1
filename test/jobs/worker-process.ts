/**
 * A worker process of its own for the two-workers test on PostgreSQL: the real runner and
 * job queue, running `recordingKind`, until SIGTERM. Run with `node --import tsx`.
 */
import { openDatabase } from "../../src/db/database.js";
import { createJobQueue } from "../../src/jobs/job-queue.js";
import { createRunner } from "../../src/jobs/runner.js";
import { recordingKind } from "./two-workers-kind.js";

const worker = process.env.WORKER_NAME ?? "worker";
const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL ?? null });
const log = {
  debug() {},
  info() {},
  error: (details: object, message: string) => console.error(message, details),
};
const runner = createRunner({
  database,
  log,
  pollMs: 1000,
  notifiedPollMs: 30_000,
  queues: [
    createJobQueue({
      db: database.db,
      kinds: [recordingKind(database.db, worker)],
      concurrency: 4,
      logDays: 30,
      log,
    }),
  ],
});
process.once("SIGTERM", async () => {
  await runner.stop();
  await database.close();
  process.exit(0);
});
runner.start();
console.log(`${worker} ready`);

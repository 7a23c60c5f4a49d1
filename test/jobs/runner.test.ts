import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { createPgListener } from "../../src/db/pg-listener.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createJobsRepository } from "../../src/db/repositories/jobs.js";
import { createJobQueue } from "../../src/jobs/job-queue.js";
import { LeaseLost, WorkerStopping } from "../../src/jobs/work-queue.js";
import { waitFor } from "../helpers/browser.js";
import { createTestDatabase, testEngine } from "../helpers/database.js";
import { testSecrets } from "../helpers/secrets.js";
import {
  databaseTimeIsPast,
  gate,
  jobRow,
  runnerFor,
  silent,
  testKind,
  timePasses,
} from "./setup.js";

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const db = () => database.db;
const jobs = () => createJobsRepository(database.db);
/** Seconds between two times of a job row. */
const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

describe("a job", () => {
  it("runs once with its payload and account, and is done", async () => {
    const { account } = await createAccountsRepository(db(), { secrets: testSecrets }).create(
      "Jobs",
    );
    const { kind, calls } = testKind();
    const { job, queued } = await kind.enqueue(
      db(),
      { customers: ["cus_1"], n: 2 },
      { accountId: account.id },
    );
    expect(queued).toBe(true);
    expect(await runnerFor(database, [kind]).runOnce()).toBe(1);
    expect(calls).toEqual([
      { id: job.id, attempt: 1, payload: { customers: ["cus_1"], n: 2 }, worker: "" },
    ]);
    expect(await jobRow(db(), job.id)).toMatchObject({
      status: "done",
      account_id: account.id,
      attempts: 1,
      locked_until: null,
      lease_token: null,
      finished_at: expect.any(Date),
    });
  });

  it("is retried after growing, jittered pauses, then failed once its attempts run out", async () => {
    const { kind, calls } = testKind(async (_payload, context) => {
      throw new Error(`boom ${context.attempt}`);
    });
    const { job } = await kind.enqueue(db(), {});
    const runner = runnerFor(database, [kind]);
    // MINUTE_RETRIES: the n-th pause is 50-100 % of a minute doubled n-1 times.
    for (const [attempt, [low, high]] of [
      [1, [30, 60]],
      [2, [60, 120]],
    ] as const) {
      expect(await runner.runOnce()).toBe(1);
      const row = await jobRow(db(), job.id);
      expect(row).toMatchObject({ status: "pending", attempts: attempt });
      expect(row.last_error).toBe(`boom ${attempt}`);
      const pause = seconds(row.updated_at, row.run_at);
      expect(pause).toBeGreaterThanOrEqual(low - 1);
      expect(pause).toBeLessThanOrEqual(high);
      // Not due yet: a round takes nothing.
      expect(await runner.runOnce()).toBe(0);
      await timePasses(db(), job.id);
    }
    expect(await runner.runOnce()).toBe(1);
    expect(await jobRow(db(), job.id)).toMatchObject({
      status: "failed",
      attempts: 3,
      last_error: "boom 3",
      finished_at: expect.any(Date),
    });
    await timePasses(db(), job.id);
    expect(await runner.runOnce()).toBe(0);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it("whose worker died is run by another once the lease is over, and only then", async () => {
    const stuck = gate();
    const { as, calls } = testKind(async (_payload, _context, worker) => {
      if (worker !== "a") return;
      await stuck.opened;
      throw new Error("a's late failure");
    });
    const { job } = await as("a").enqueue(db(), {});
    const a = runnerFor(database, [as("a")]);
    const b = runnerFor(database, [as("b")]);
    // Worker a claims the job and never gets to settle it: it "dies" in the handler.
    const aRound = a.runOnce();
    await waitFor(() => calls.length === 1, "worker a to start the job");
    expect(await b.runOnce()).toBe(0);
    await timePasses(db(), job.id);
    expect(await b.runOnce()).toBe(1);
    expect(await jobRow(db(), job.id)).toMatchObject({ status: "done", attempts: 2 });

    // Worker a, back from the dead, cannot settle what it no longer holds.
    stuck.open();
    expect(await aRound).toBe(1);
    expect(await jobRow(db(), job.id)).toMatchObject({
      status: "done",
      attempts: 2,
      last_error: null,
    });
    expect(calls.map((c) => [c.worker, c.attempt])).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });

  it("that kills its worker every time still runs out of attempts", async () => {
    const { kind, calls } = testKind(async () => {}, { maxAttempts: 2 });
    const { job } = await kind.enqueue(db(), {});
    // Two workers claim it and die before settling it.
    for (const attempt of [1, 2]) {
      const [claimed] = await jobs().claimDue([kind.kind], 10, 60_000);
      expect(claimed).toMatchObject({ id: job.id, attempts: attempt, status: "running" });
      await timePasses(db(), job.id);
    }
    expect(await runnerFor(database, [kind]).runOnce()).toBe(0);
    expect(calls).toEqual([]);
    const row = await jobRow(db(), job.id);
    expect(row).toMatchObject({ status: "failed", attempts: 2, lease_token: null });
    expect(row.last_error).toMatch(/last attempt .*lease ran out/);
  });

  it("that outlives its lease without a heartbeat loses it: told so, and taken by another", async () => {
    const reasons: unknown[] = [];
    const { as, calls } = testKind(async (_payload, context, worker) => {
      if (worker !== "a") return;
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
      reasons.push(context.signal.reason);
      await expect(context.heartbeat()).rejects.toBeInstanceOf(LeaseLost);
      throw context.signal.reason;
    });
    const { job } = await as("a").enqueue(db(), {});
    // The lease is the only clock here: a's own timer tells it when it is over.
    expect(await runnerFor(database, [as("a")], { leaseMs: 300 }).runOnce()).toBe(1);
    expect(reasons).toEqual([expect.any(LeaseLost)]);
    // Lost, so not a's to settle: no failed attempt recorded, the job is anyone's again
    // (a's clock ends a lease no later than the database's: wait for the database's).
    const lost = await jobRow(db(), job.id);
    expect(lost).toMatchObject({ status: "running", last_error: null });
    await waitFor(() => databaseTimeIsPast(db(), lost.locked_until as Date), "the lease to end");
    expect(await runnerFor(database, [as("b")]).runOnce()).toBe(1);
    expect(await jobRow(db(), job.id)).toMatchObject({ status: "done", attempts: 2 });
    expect(calls.map((c) => c.worker)).toEqual(["a", "b"]);
  });

  it("that heartbeats keeps its lease past its first term, and shows how far it got", async () => {
    const finish = gate();
    let beats = 0;
    const { as } = testKind(async (_payload, context) => {
      await context.setProgress({ phase: "customers", done: 0, total: 3 });
      let done = false;
      void finish.opened.then(() => {
        done = true;
      });
      while (!done) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        beats++;
        if (beats % 2 === 0) await context.heartbeat();
        else await context.setProgress({ phase: "customers", done: 1, total: 3 });
      }
      await context.setProgress({ phase: "customers", done: 3, total: 3 });
    });
    const { job } = await as("a").enqueue(db(), {});
    const round = runnerFor(database, [as("a")], { leaseMs: 2000 }).runOnce();
    const running = await waitFor(async () => {
      const row = await jobRow(db(), job.id);
      return row.progress?.done === 1 ? row : null;
    }, "the first progress");
    expect(running).toMatchObject({
      status: "running",
      progress: { phase: "customers", total: 3 },
    });
    // The claim's lease ended two seconds after it began; the database's clock is past that.
    const firstTermEnd = new Date((running.started_at as Date).getTime() + 2000);
    await waitFor(() => databaseTimeIsPast(db(), firstTermEnd), "the first term to end");
    expect(await jobs().claimDue([job.kind], 10, 60_000)).toEqual([]);
    expect(await runnerFor(database, [as("b")]).runOnce()).toBe(0);
    finish.open();
    expect(await round).toBe(1);
    expect(await jobRow(db(), job.id)).toMatchObject({
      status: "done",
      attempts: 1,
      progress: { phase: "customers", done: 3, total: 3 },
    });
  });
});

describe("a recurring job", () => {
  it("runs again when its handler says, with a fresh set of attempts", async () => {
    const { kind, calls } = testKind(async (_payload, context) => {
      if (context.attempt === 1 && calls.length === 2) throw new Error("a bad minute");
      return calls.length < 4 ? { runAgainInMs: 300_000 } : undefined;
    });
    const { job } = await kind.enqueue(db(), {});
    const runner = runnerFor(database, [kind]);
    expect(await runner.runOnce()).toBe(1);
    const again = await jobRow(db(), job.id);
    expect(again).toMatchObject({ status: "pending", attempts: 0, last_error: null });
    expect(seconds(again.updated_at, again.run_at)).toBeCloseTo(300, 0);
    expect(await runner.runOnce()).toBe(0);
    // The second run fails once and is retried; the third, a success, resets the attempts.
    for (const expected of [{ attempts: 1 }, { attempts: 0 }, { status: "done", attempts: 1 }]) {
      await timePasses(db(), job.id);
      expect(await runner.runOnce()).toBe(1);
      expect(await jobRow(db(), job.id)).toMatchObject(expected);
    }
    expect(calls.map((c) => c.attempt)).toEqual([1, 1, 2, 1]);
  });
});

describe("a dedupe key", () => {
  it("makes one job of two enqueues, however close", async () => {
    const { kind, calls } = testKind();
    const results = await Promise.all(
      [1, 2].map((n) => kind.enqueue(db(), { n }, { dedupeKey: "cancellation:can_1" })),
    );
    expect(results.map((r) => r.queued).sort()).toEqual([false, true]);
    expect(results[0]?.job.id).toBe(results[1]?.job.id);
    // The same key of another kind is another job.
    const { kind: other } = testKind();
    const { job: another } = await other.enqueue(db(), {}, { dedupeKey: "cancellation:can_1" });
    expect(another.id).not.toBe(results[0]?.job.id);

    expect(await runnerFor(database, [kind]).runOnce()).toBe(1);
    expect(calls).toHaveLength(1);
    // Done, the key still holds: enqueueing it again finds the done job.
    const again = await kind.enqueue(db(), { n: 3 }, { dedupeKey: "cancellation:can_1" });
    expect(again).toMatchObject({ queued: false, job: { id: results[0]?.job.id, status: "done" } });
    expect(await runnerFor(database, [kind]).runOnce()).toBe(0);
  });

  it("runs a finished job again when asked to, one at a time", async () => {
    const { kind, calls } = testKind();
    const sync = (n: number) =>
      kind.enqueue(db(), { n }, { dedupeKey: "connection:conn_1", rerunFinished: true });
    const { job } = await sync(1);
    // Pending: not doubled.
    expect(await sync(2)).toMatchObject({ queued: false, job: { id: job.id } });
    const runner = runnerFor(database, [kind]);
    expect(await runner.runOnce()).toBe(1);
    expect(await sync(3)).toMatchObject({
      queued: true,
      job: { id: job.id, status: "pending", attempts: 0, payload: { n: 3 } },
    });
    expect(await runner.runOnce()).toBe(1);
    expect(calls.map((c) => c.payload)).toEqual([{ n: 1 }, { n: 3 }]);
  });
});

describe("a scheduled job", () => {
  it("waits for its time, by the database's clock", async () => {
    const { kind, calls } = testKind();
    const { job: later } = await kind.enqueue(db(), { n: 1 }, { delayMs: 3600_000 });
    const { job: tomorrow } = await kind.enqueue(
      db(),
      { n: 2 },
      { runAt: new Date(Date.now() + 86_400_000) },
    );
    expect(seconds(later.created_at, later.run_at)).toBeCloseTo(3600, 0);
    const runner = runnerFor(database, [kind]);
    expect(await runner.runOnce()).toBe(0);
    const dueInMs = await jobs().nextDueInMs([kind.kind]);
    expect(dueInMs).toBeGreaterThan(3500_000);
    expect(dueInMs).toBeLessThanOrEqual(3600_000);

    await timePasses(db(), later.id);
    expect(await runner.runOnce()).toBe(1);
    expect(calls.map((c) => c.id)).toEqual([later.id]);
    await timePasses(db(), tomorrow.id);
    expect(await runner.runOnce()).toBe(1);
    expect(calls.map((c) => c.id)).toEqual([later.id, tomorrow.id]);
  });
});

describe("a running worker", () => {
  /** Generous: a notified worker takes milliseconds; these workers poll every ten minutes. */
  const PROMPT_MS = 15_000;

  it("hears of a new job at once, and of a scheduled one when it is due", async () => {
    const { kind, calls } = testKind();
    const runner = runnerFor(database, [kind]);
    runner.start();
    try {
      // Once it has run, the worker's first round is over: it sleeps now.
      await kind.enqueue(db(), { n: 1 });
      await waitFor(() => calls.length === 1, "the first job", PROMPT_MS);
      const started = Date.now();
      await kind.enqueue(db(), { n: 2 });
      await waitFor(() => calls.length === 2, "the job enqueued", PROMPT_MS);
      expect(Date.now() - started).toBeLessThan(PROMPT_MS);

      const { job } = await kind.enqueue(db(), { n: 3 }, { delayMs: 500 });
      await waitFor(() => calls.length === 3, "the scheduled job", PROMPT_MS);
      const row = await jobRow(db(), job.id);
      expect(row.started_at?.getTime()).toBeGreaterThanOrEqual(row.run_at.getTime());
    } finally {
      await runner.stop();
    }
  });

  /**
   * Runs a worker until a job it was not told of is due (the worker asleep by then), and
   * waits for it to be run: only a poll finds it.
   */
  async function expectPolled(
    worker: ReturnType<typeof runnerFor>,
    kind: ReturnType<typeof testKind>,
  ) {
    const { job: probe } = await kind.kind.enqueue(db(), { probe: true });
    const { job } = await kind.kind.enqueue(db(), {}, { delayMs: 3600_000 });
    try {
      worker.start();
      // Run in the worker's first round, when the other job was not due: it sleeps now.
      await waitFor(() => kind.calls.some((c) => c.id === probe.id), "the probe", PROMPT_MS);
      await timePasses(db(), job.id);
      await waitFor(() => kind.calls.some((c) => c.id === job.id), "the job", PROMPT_MS);
    } finally {
      await worker.stop();
    }
  }

  it("polls for jobs it was never told of", async () => {
    const kind = testKind();
    // The news of a job made due lost on the way (as behind a pooler in transaction mode).
    await sql`alter table jobs disable trigger jobs_notify_due`.execute(db());
    try {
      await expectPolled(runnerFor(database, [kind.kind], { notifiedPollMs: 200 }), kind);
    } finally {
      await sql`alter table jobs enable trigger jobs_notify_due`.execute(db());
    }
  });

  it.skipIf(testEngine !== "postgres")(
    "polls at the short interval while it cannot listen",
    async () => {
      // A real listener, pointed where no database answers: it says it cannot hear.
      const listener = createPgListener("postgres://postgres@127.0.0.1:1/none");
      const kind = testKind();
      const deaf = { db: db(), listen: listener.listen };
      try {
        await expectPolled(runnerFor(deaf, [kind.kind], { pollMs: 200 }), kind);
      } finally {
        await listener.close();
      }
    },
  );

  it("stops gracefully: short work finishes, long work is handed back", async () => {
    const shortDone = gate();
    const { kind: short, calls: shortCalls } = testKind(async () => shortDone.opened);
    const { kind: long, calls: longCalls } = testKind(async (_payload, context) => {
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
      expect(context.signal.reason).toBeInstanceOf(WorkerStopping);
      // A long job stops at a safe point; its progress says where to resume.
      throw context.signal.reason;
    });
    const { job: shortJob } = await short.enqueue(db(), {});
    const { job: longJob } = await long.enqueue(db(), {});
    const runner = runnerFor(database, [short, long]);
    runner.start();
    await waitFor(() => shortCalls.length === 1 && longCalls.length === 1, "both to start");
    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    const handedBack = await waitFor(async () => {
      const row = await jobRow(db(), longJob.id);
      return row.status === "pending" ? row : null;
    }, "the long job to be handed back");
    expect(handedBack).toMatchObject({ attempts: 0, locked_until: null, lease_token: null });
    expect(await databaseTimeIsPast(db(), handedBack.run_at)).toBe(true);
    expect(stopped).toBe(false);
    shortDone.open();
    await stopping;
    expect(await jobRow(db(), shortJob.id)).toMatchObject({ status: "done", attempts: 1 });
  });
});

describe("pruning", () => {
  it("forgets done and failed jobs after JOB_LOG_DAYS, never pending or running ones", async () => {
    await db().deleteFrom("jobs").execute();
    const { kind } = testKind();
    const ids: string[] = [];
    for (const status of ["done", "failed", "pending", "running", "done"] as const) {
      const { job } = await kind.enqueue(db(), {}, { dedupeKey: `k${ids.length}` });
      ids.push(job.id);
      await db().updateTable("jobs").set({ status }).where("id", "=", job.id).execute();
    }
    const [, , pending, running, recent] = ids;
    // 31 days ago, all but the recent one.
    await sql`update jobs set finished_at = now() - interval '31 days', updated_at = now() - interval '31 days'
      where id <> ${recent}`.execute(db());
    await sql`update jobs set finished_at = now() where id = ${recent}`.execute(db());
    const queue = (logDays: number) =>
      createJobQueue({ db: db(), kinds: [kind], concurrency: 1, logDays, log: silent });
    expect(await queue(0).prune()).toBe(0);
    expect(await queue(60).prune()).toBe(0);
    expect(await queue(30).prune()).toBe(2);
    const left = await db().selectFrom("jobs").select("id").execute();
    expect(left.map((j) => j.id).sort()).toEqual([pending, running, recent].sort());
    // The key of a forgotten job is free again.
    expect(await kind.enqueue(db(), {}, { dedupeKey: "k0" })).toMatchObject({ queued: true });
  });
});

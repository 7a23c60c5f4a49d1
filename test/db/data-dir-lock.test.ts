import { spawn } from "node:child_process";
import { once } from "node:events";
import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDataDir } from "../../src/db/data-dir-lock.js";
import { openDatabase } from "../../src/db/database.js";
import { DomainError } from "../../src/db/domain-error.js";
import { currentProcess, type ProcessIdentity } from "../../src/db/process-liveness.js";
import { freePort, runCli, type StartedCli, startCli } from "../helpers/cli.js";
import { testEngine } from "../helpers/database.js";
import { copyTemplateInto } from "../helpers/pglite-template.js";

// PGlite-only by nature (Postgres serves many processes): the Postgres pass would only run
// it a second time, with DATABASE_URL overridden.
describe.skipIf(testEngine === "postgres")("the PGlite data directory's lock", () => {
  const dirs: string[] = [];
  async function emptyDir(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), "ci-lock-"));
    dirs.push(dir);
    return dir;
  }
  async function freshDataDir(): Promise<string> {
    const dir = await emptyDir();
    await copyTemplateInto(dir);
    return dir;
  }
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  const pgliteIn = (dir: string) => ({ DATA_DIR: dir, DATABASE_URL: "" });

  let dataDir: string;
  // Servers start on copies of a data directory with one account: on an empty one, `start`
  // would first make the demo account, seconds of work that these tests are not about.
  let withAccount: string;
  let accessTokenId: string;
  beforeAll(async () => {
    dataDir = await freshDataDir();
    withAccount = await freshDataDir();
    const created = await runCli(
      ["account", "create", "--name", "Lock Co", "--json"],
      pgliteIn(withAccount),
    );
    expect(created.stderr).toBe("");
    accessTokenId = JSON.parse(created.stdout).access_token_id;
  });

  /** A data directory of its own, and a server started on it. */
  async function startServer(): Promise<StartedCli & { dir: string; port: number }> {
    const dir = await emptyDir();
    await cp(withAccount, dir, { recursive: true });
    const port = await freePort();
    const server = await startCli([], { ...pgliteIn(dir), PORT: String(port) });
    return { ...server, dir, port };
  }

  /** Leaves the lock a holder elsewhere would have left, renewed `ageMs` ago. */
  async function writeLock(dir: string, holder: ProcessIdentity, ageMs: number): Promise<void> {
    const lockDir = path.join(dir, "cancel-insights.lock");
    await mkdir(lockDir, { recursive: true });
    await writeFile(path.join(lockDir, "0123456789abcdef.json"), JSON.stringify(holder));
    const renewed = new Date(Date.now() - ageMs);
    await utimes(lockDir, renewed, renewed);
  }

  /** The pid of a process that has run and ended. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", ""]);
    await once(child, "exit");
    if (child.pid === undefined) throw new Error("no pid");
    return child.pid;
  }

  function readyz(port: number): Promise<number | "unreachable"> {
    return fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.status,
      () => "unreachable" as const,
    );
  }

  describe("a PGlite data directory serves one process at a time", () => {
    it("a second open in the same process is refused with a clear error", async () => {
      const first = await openDatabase({ dataDir });
      try {
        const second = openDatabase({ dataDir });
        await expect(second).rejects.toBeInstanceOf(DomainError);
        await expect(second).rejects.toMatchObject({ code: "data_dir_locked" });
      } finally {
        await first.close();
      }
      // Released on close: the next process gets in.
      const again = await openDatabase({ dataDir });
      await again.close();
    }, 90_000);

    it("export while the server runs fails clearly, and the data survives", async () => {
      const env = pgliteIn(dataDir);
      const created = await runCli(["account", "create", "--name", "Locked Co", "--json"], env);
      expect(created.code).toBe(0);
      const { account_id } = JSON.parse(created.stdout);

      const port = await freePort();
      const server = await startCli([], { ...env, PORT: String(port) });
      try {
        const blocked = await runCli(["export", "--account", account_id], env);
        expect(blocked.code).not.toBe(0);
        expect(blocked.stderr).toMatch(/in use by another cancel-insights process/);
        expect(blocked.stderr.trim().split("\n")).toHaveLength(1);
        // The server is unharmed and still answers from the database.
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      } finally {
        await server.stop();
      }
      const after = await runCli(["export", "--account", account_id], env);
      expect(after.code).toBe(0);
      expect(after.stderr).toBe("");
    }, 90_000);
  });

  describe("the lock lives as long as its holder, not as long as a clock says", () => {
    it("a stalled server keeps its lock: a second process is refused, and the server and its data carry on", async () => {
      const server = await startServer();
      const { dir } = server;
      const pid = server.child.pid;
      try {
        // A paused container or a long GC: longer than any mtime-based stale window (once 10 s).
        server.child.kill("SIGSTOP");
        await sleep(12_000);
        const blocked = await runCli(["account", "create", "--name", "Paused Co"], pgliteIn(dir));
        expect(blocked.code).not.toBe(0);
        expect(blocked.stderr.trim().split("\n")).toHaveLength(1);
        expect(blocked.stderr).toContain(`in use by another cancel-insights process (pid ${pid}`);
      } finally {
        server.child.kill("SIGCONT");
      }
      expect(await readyz(server.port)).toBe(200);
      const stored = await fetch(`http://127.0.0.1:${server.port}/api/widget/events`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({
          access_token_id: accessTokenId,
          customer_oid: "cus_after_pause",
          kind: "dismissal",
          idempotency_key: "after-pause-1",
        }),
      });
      expect(stored.status).toBe(201);
      await server.stop();
      expect(await server.exited).toBe(0);

      const reopened = await openDatabase({ dataDir: dir });
      try {
        const events = await reopened.db
          .selectFrom("events")
          .select("customer_oid")
          .where("customer_oid", "=", "cus_after_pause")
          .execute();
        expect(events).toHaveLength(1);
        expect(await reopened.db.selectFrom("accounts").select("id").execute()).toHaveLength(1);
      } finally {
        await reopened.close();
      }
    }, 120_000);

    it("a killed server's lock is taken at once: the next command succeeds on its first try", async () => {
      const server = await startServer();
      server.child.kill("SIGKILL");
      await server.exited;
      const created = await runCli(
        ["account", "create", "--name", "After Crash"],
        pgliteIn(server.dir),
      );
      expect(created.stderr).toBe("");
      expect(created.code).toBe(0);
    }, 90_000);

    it.each([
      ["removed", async (_dir: string) => async () => {}],
      ["taken by another process", async (dir: string) => (await lockDataDir(dir)).release],
    ])(
      "a server whose lock is %s stops before its next query",
      async (_how, takeOver) => {
        const server = await startServer();
        const { dir } = server;
        await rm(path.join(dir, "cancel-insights.lock"), { recursive: true, force: true });
        const release = await takeOver(dir);
        try {
          expect(await readyz(server.port)).toBe("unreachable");
          expect(await server.exited).not.toBe(0);
          expect(server.output()).toMatch(/lost the lock on the data directory/);
        } finally {
          await server.stop();
          await release();
        }
      },
      90_000,
    );

    it("of opens racing for a dead holder's lock, exactly one wins", async () => {
      const dir = await freshDataDir();
      await writeLock(dir, { ...currentProcess(), pid: await deadPid() }, 0);
      const opens = await Promise.allSettled(Array.from({ length: 6 }, () => lockDataDir(dir)));
      const won = opens.filter((open) => open.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const open of opens) {
        if (open.status === "rejected")
          expect(open.reason).toMatchObject({ code: "data_dir_locked" });
      }
      await won[0]?.value.release();
      await (await lockDataDir(dir)).release();
    });

    it("another host's lock holds while its heartbeat is fresh, and is free once it is stale", async () => {
      const dir = await freshDataDir();
      const elsewhere = {
        pid: process.pid,
        host: "db-2",
        scope: '["db-2",null,null]',
        started: null,
      };
      await writeLock(dir, elsewhere, 5_000);
      const refused = lockDataDir(dir);
      await expect(refused).rejects.toMatchObject({ code: "data_dir_locked" });
      await expect(refused).rejects.toThrow(/pid \d+ on host db-2, lock renewed \d+ s ago.* 30 s/);
      // A pid from another host means nothing here: neither one that is dead here...
      await writeLock(dir, { ...elsewhere, pid: await deadPid() }, 0);
      await expect(lockDataDir(dir)).rejects.toMatchObject({ code: "data_dir_locked" });
      // ...nor one that is alive here (ours) once the heartbeat is stale.
      await writeLock(dir, elsewhere, 31_000);
      await (await lockDataDir(dir)).release();
    });
  });
});

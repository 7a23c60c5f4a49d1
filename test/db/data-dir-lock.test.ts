import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { DomainError } from "../../src/db/domain-error.js";
import { freePort, runCli, startCli } from "../helpers/cli.js";

// PGlite-only by nature: Postgres serves many processes. Runs on every engine's pass.
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "ci-lock-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

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
  });

  it("export while the server runs fails clearly, and the data survives", async () => {
    const env = { DATA_DIR: dataDir, DATABASE_URL: "" };
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
  });
});

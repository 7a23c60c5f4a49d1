import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { waitFor } from "../helpers/browser.js";
import { createTestDatabase, testEngine } from "../helpers/database.js";

let database: DatabaseHandle & { url: string | null };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe.skipIf(testEngine !== "postgres")("a lost Postgres connection", () => {
  it("does not bring the process down, and the next query gets a new one", async () => {
    await sql`select 1`.execute(database.db);
    const said = vi.spyOn(console, "error");
    const name = new URL(database.url ?? "").pathname.slice(1);
    // What a Postgres restart or failover does to the pool's idle connections.
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const killed = await admin.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [name],
    );
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);
    // The pool hears of it (unheard, the 'error' would end the process) and says so.
    await waitFor(
      () => said.mock.calls.some(([line]) => String(line).includes("connection was lost")),
      "the lost connection to be reported",
    );
    const result = await sql<{ ok: number }>`select 1 as ok`.execute(database.db);
    expect(result.rows[0]?.ok).toBe(1);
    said.mockRestore();
  });
});

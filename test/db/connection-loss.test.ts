import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/db/database.js";
import { createTestDatabase, testEngine } from "../helpers/database.js";

let database: DatabaseHandle & { url: string | null };
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe.skipIf(testEngine !== "postgres")("a lost Postgres connection", () => {
  it("does not bring the process down, and the next query gets a new one", async () => {
    await sql`select 1`.execute(database.db);
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
    // Give the pool time to hear of it; an unhandled 'error' would fail this test file.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await sql<{ ok: number }>`select 1 as ok`.execute(database.db);
    expect(result.rows[0]?.ok).toBe(1);
  });
});

import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The knobs every section reads, from the environment, checked once. */
export interface BenchSettings {
  /** Seconds per autocannon run. */
  duration: number;
  connections: number;
  /** Measured rounds per server in the ingest bench (alternating bare / ingest). */
  rounds: number;
  /** Postgres server to create a throwaway database on; null runs PGlite only. */
  databaseUrl: string | null;
  /** Engines the ingest and insights sections run on; Postgres only with databaseUrl. */
  engines: Engine[];
  /** Also run ingest on Postgres with the events table stripped to its keys (a lower bound). */
  ingestStripped: boolean;
  /** Record a CPU profile of the ingest server during one extra round. */
  profile: boolean;
  sections: Set<string>;
  /** Customers of the fake Stripe account in the billing backfill. */
  billingCustomers: number;
  /** Requests per second the limiter allows in the billing bench's limited run. */
  billingRate: number;
}

export const SECTIONS = ["size", "ingest", "click", "insights", "billing"] as const;
export type Engine = "pglite" | "postgres";
const ENGINES: Engine[] = ["pglite", "postgres"];

function positiveInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

export function readSettings(): BenchSettings {
  const only = (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of only) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      throw new Error(`BENCH_ONLY: unknown section "${name}" (known: ${SECTIONS.join(", ")})`);
    }
  }
  const databaseUrl = process.env.DATABASE_URL || null;
  const engines = (process.env.BENCH_ENGINES ?? "pglite,postgres")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of engines) {
    if (!(ENGINES as string[]).includes(name)) {
      throw new Error(`BENCH_ENGINES: unknown engine "${name}" (known: ${ENGINES.join(", ")})`);
    }
  }
  return {
    duration: positiveInt("BENCH_DURATION", 10),
    connections: positiveInt("BENCH_CONNECTIONS", 50),
    rounds: positiveInt("BENCH_ROUNDS", 2, 2),
    databaseUrl,
    engines: (engines as Engine[]).filter((e) => e === "pglite" || databaseUrl !== null),
    profile: process.env.BENCH_PROFILE === "1",
    ingestStripped: process.env.BENCH_INGEST_STRIPPED === "1",
    sections: new Set(only.length > 0 ? only : SECTIONS),
    billingCustomers: positiveInt("BENCH_BILLING_CUSTOMERS", 100_000, 1000),
    billingRate: positiveInt("BENCH_BILLING_RATE", 25),
  };
}

// ---------------------------------------------------------------- statistics and printing

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid)
    ? ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
    : (sorted[Math.floor(mid)] as number);
}

/** Nearest-rank quantile (no interpolation): always a value that was measured. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString("en-US"),
  ms: (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`,
  pct: (n: number) => `${(n * 100).toFixed(1)}%`,
  bytes: (n: number) => `${n.toLocaleString("en-US")} B`,
};

export function heading(title: string): void {
  console.log(`\n=== ${title} ${"=".repeat(Math.max(0, 76 - title.length))}`);
}

export function note(text: string): void {
  console.log(`  ${text}`);
}

/** A plain aligned table; the first column is left-aligned, the others right-aligned. */
export function table(header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ")}`;
  console.log(line(header));
  console.log(`  ${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of cells.slice(1)) console.log(line(r));
}

export function verdict(ok: boolean): string {
  return ok ? "OK" : "MISSED";
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- child processes

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/**
 * A bench server in its own process (so the load generator and the server never share an
 * event loop), spoken to over the IPC channel: it sends `{type: "ready", ...}` once, then
 * answers `{id, type, ...}` requests with `{id, ok, value | error}`.
 */
export interface BenchChild<Ready> {
  ready: Ready;
  pid: number;
  call<T>(type: string, payload?: Record<string, unknown>): Promise<T>;
  /** Asks the child to shut down cleanly and waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL, no goodbye: what a crash looks like to the database. */
  kill(): Promise<void>;
}

export function benchScript(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startChild<Ready>(
  script: string,
  options: Record<string, unknown>,
  nodeArgs: string[] = [],
): Promise<BenchChild<Ready>> {
  const child = fork(script, [JSON.stringify(options)], {
    execArgv: ["--import", "tsx", ...nodeArgs],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exitError: Error | null = null;

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not become ready within 60 s`));
    }, 60_000);
    child.on("message", (message: { type?: string } & Partial<Reply>) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message as Ready);
      } else if (typeof message.id === "number") {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(new Error(message.error ?? "child request failed"));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      exitError = new Error(`${script} exited (code ${code}, signal ${signal})`);
      reject(exitError);
      for (const waiter of pending.values()) waiter.reject(exitError);
      pending.clear();
    });
  });

  return {
    ready,
    pid: child.pid as number,
    call<T>(type: string, payload: Record<string, unknown> = {}) {
      if (exitError) return Promise.reject(exitError);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...payload, id, type });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = exited(child);
      child.send({ id: nextId++, type: "close" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await done;
      clearTimeout(timer);
    },
    async kill() {
      const done = exited(child);
      child.kill("SIGKILL");
      await done;
    },
  };
}

/**
 * The child side: sends `ready`, routes requests to `handlers`, exits on `close` (after
 * `onClose`) or when the parent goes away, so no bench process outlives its run.
 */
export function serveParent(
  ready: object,
  handlers: Record<string, (message: Record<string, unknown>) => Promise<unknown>>,
  onClose: () => Promise<void>,
): void {
  const send = process.send?.bind(process);
  // CPU seconds this process has used, for "is the server CPU-bound?".
  const cpu = async () => process.cpuUsage();
  if (!send) throw new Error("bench servers run as children of bench/run.ts");
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    try {
      await onClose();
    } finally {
      process.exit(0);
    }
  };
  process.on("disconnect", () => void close());
  process.on("message", (message: { id: number; type: string } & Record<string, unknown>) => {
    if (message.type === "close") {
      void close();
      return;
    }
    const handler = message.type === "cpu" ? cpu : handlers[message.type];
    if (!handler) {
      send({ id: message.id, ok: false, error: `unknown request ${message.type}` });
      return;
    }
    handler(message).then(
      (value) => send({ id: message.id, ok: true, value }),
      (error: Error) => send({ id: message.id, ok: false, error: error.stack ?? String(error) }),
    );
  });
  send({ type: "ready", ...ready });
}

export function childOptions<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error("missing options argument");
  return JSON.parse(raw) as T;
}

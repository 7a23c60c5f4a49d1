/**
 * Ingest throughput: POST /api/widget/events on the real app (PGlite on disk, and Postgres
 * when DATABASE_URL is set), as a ratio to a bare Fastify route measured in the same run,
 * alternating bare / ingest rounds. Every request carries a new idempotency key, every 2xx
 * is checked to be stored, and the server is SIGKILLed after its last round and the
 * database reopened, so "accepted" means "durable".
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon, { type Result } from "autocannon";
import pg from "pg";
import { createScratchPostgres } from "../test/helpers/scratch-postgres.js";
import type { AppServerOptions, AppServerReady, EventCounts } from "./ingest-server.js";
import {
  type BenchChild,
  type BenchSettings,
  benchScript,
  type Engine,
  fmt,
  heading,
  median,
  note,
  sleep,
  startChild,
  table,
  verdict,
} from "./lib.js";
import { printProfileSummary } from "./profile-summary.js";

const TARGET_RATIO = 0.5;
const WARMUP_SECONDS = 2;

interface RoundResult {
  kind: "bare" | "ingest";
  round: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  sent: number;
  statuses: string;
  /** Server CPU seconds per second of the round (1.0 = one core busy). */
  serverCpu: number;
  /** CPU time per response: the server process, its Postgres backends (if local), autocannon. */
  serverUsPerReq: number;
  dbUsPerReq: number | null;
  clientUsPerReq: number;
  /** Machine CPU in use during the round, all cores (1.0 = every core busy). */
  machineCpu: number;
  /** Ingest only: what the database holds for this round. */
  stored?: { rows: number; keysFound: number; transactions: number };
}

/** An engine, and for the lower-bound run, the stripped events table. */
interface Variant {
  engine: Engine;
  stripped: boolean;
}

function variantName(variant: Variant): string {
  return variant.stripped ? `${variant.engine}, stripped` : variant.engine;
}

export interface EngineSummary {
  variant: Variant;
  bare: number;
  ingest: number;
  ratio: number;
  p50: number;
  p99: number;
  non2xx: number;
  durable: boolean;
}

/** Requests whose bodies are made per request, like the widget's: a new key every time. */
class Load {
  private seq = 0;
  private readonly tag = randomBytes(4).toString("hex");
  /** Keys of requests answered 2xx, in this load's lifetime. */
  readonly acknowledged: string[] = [];

  constructor(
    private readonly path: string,
    private readonly app: AppServerReady | null,
  ) {}

  body(): { key: string; body: string } {
    const n = this.seq++;
    const key = `bench_${this.tag}_${n.toString(36)}`;
    const reasons = this.app?.reasonIds ?? ["rsn_bare"];
    const body = JSON.stringify({
      access_token_id: this.app?.accessTokenId ?? "tok_bare",
      customer_oid: `cus_${this.tag}${n % 5000}`,
      reason_id: reasons[n % reasons.length],
      comment: "We moved to a cheaper plan elsewhere, the reporting was great though.",
      subscription_oids: [`sub_${this.tag}${n % 5000}`],
      idempotency_key: key,
    });
    return { key, body };
  }

  async run(url: string, connections: number, duration: number): Promise<Result> {
    const before = this.acknowledged.length;
    const result = await autocannon({
      url,
      connections,
      duration,
      requests: [
        {
          method: "POST",
          path: this.path,
          headers: { "content-type": "text/plain;charset=UTF-8" },
          setupRequest: (request, context) => {
            const { key, body } = this.body();
            context.key = key;
            return { ...request, body };
          },
          onResponse: (status, _body, context) => {
            if (status >= 200 && status < 300) this.acknowledged.push(context.key as string);
          },
        },
      ],
    });
    if (this.acknowledged.length - before !== result["2xx"]) {
      throw new Error(
        `counted ${this.acknowledged.length - before} 2xx responses, autocannon ${result["2xx"]}`,
      );
    }
    return result;
  }
}

function machineCpuTimes() {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    const sum = t.user + t.nice + t.sys + t.irq + t.idle;
    total += sum;
    busy += sum - t.idle;
  }
  return { busy, total };
}

async function measure(
  kind: RoundResult["kind"],
  round: number,
  load: Load,
  server: BenchChild<{ url: string }>,
  path: string,
  settings: BenchSettings,
  backends: BackendCpu | null,
): Promise<RoundResult> {
  const dbBefore = await backends?.snapshot();
  const cpuBefore = await server.call<NodeJS.CpuUsage>("cpu");
  const clientBefore = process.cpuUsage();
  const machineBefore = machineCpuTimes();
  const started = performance.now();
  const result = await load.run(
    `${server.ready.url}${path}`,
    settings.connections,
    settings.duration,
  );
  const seconds = (performance.now() - started) / 1000;
  const machineAfter = machineCpuTimes();
  const client = process.cpuUsage(clientBefore);
  const cpuAfter = await server.call<NodeJS.CpuUsage>("cpu");
  const cpuUs = cpuAfter.user - cpuBefore.user + (cpuAfter.system - cpuBefore.system);
  const dbUs = dbBefore && backends ? await backends.usedSince(dbBefore) : null;
  const responses = Math.max(1, result.requests.total);
  return {
    kind,
    round,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    sent: result.requests.sent,
    statuses: Object.entries(result.statusCodeStats)
      .map(([code, { count }]) => `${code}:${count}`)
      .join(" "),
    serverCpu: cpuUs / 1e6 / seconds,
    serverUsPerReq: cpuUs / responses,
    dbUsPerReq: dbUs === null ? null : dbUs / responses,
    clientUsPerReq: (client.user + client.system) / responses,
    machineCpu:
      (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total || 1),
  };
}

/**
 * CPU time of the Postgres backends serving one database, read from /proc: works when the
 * Postgres server runs on this machine (as in CI), else reports nothing.
 */
class BackendCpu {
  private readonly tickUs = 1e6 / Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

  constructor(
    private readonly serverUrl: string,
    private readonly database: string,
  ) {}

  private async ticks(pid: number): Promise<number | null> {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      // Fields after the ")" that ends the command name: utime and stime are 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return null;
    }
  }

  async snapshot(): Promise<Map<number, number> | undefined> {
    const client = new pg.Client({ connectionString: this.serverUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = $1",
        [this.database],
      );
      const result = new Map<number, number>();
      for (const { pid } of rows) {
        const ticks = await this.ticks(pid);
        if (ticks === null) return undefined;
        result.set(pid, ticks);
      }
      return result;
    } finally {
      await client.end();
    }
  }

  /** Microseconds the database's backends used since `before` (new backends from zero). */
  async usedSince(before: Map<number, number>): Promise<number | null> {
    const after = await this.snapshot();
    if (!after) return null;
    let ticks = 0;
    for (const [pid, now] of after) ticks += now - (before.get(pid) ?? 0);
    return ticks * this.tickUs;
  }
}

/** Waits until the in-flight requests of a finished run are written (the count holds still). */
async function settledCounts(
  app: BenchChild<AppServerReady>,
  keys: string[],
): Promise<EventCounts> {
  let last = await app.call<EventCounts>("count", { accountId: app.ready.accountId, keys });
  for (let i = 0; i < 50; i++) {
    await sleep(200);
    const next = await app.call<EventCounts>("count", { accountId: app.ready.accountId, keys });
    if (next.rows === last.rows) return next;
    last = next;
  }
  return last;
}

interface Prepared {
  database: AppServerOptions["database"];
  label: string;
  backends: BackendCpu | null;
  cleanup(): Promise<void>;
}

async function prepareDatabase(engine: Engine, serverUrl: string | null): Promise<Prepared> {
  if (engine === "pglite") {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "ci-bench-pglite-"));
    return {
      database: { kind: "pglite", dataDir },
      label: `PGlite on disk (${dataDir})`,
      backends: null,
      cleanup: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  if (!serverUrl) throw new Error("no DATABASE_URL");
  const scratch = await createScratchPostgres(serverUrl, "ci_bench");
  return {
    database: { kind: "postgres", url: scratch.url },
    label: `Postgres, fresh database ${scratch.name} on ${new URL(serverUrl).host}`,
    backends: new BackendCpu(serverUrl, scratch.name),
    cleanup: scratch.drop,
  };
}

/** SIGKILL the serving process, then open the database afresh and see what survived. */
async function countAfterCrash(
  app: BenchChild<AppServerReady>,
  prepared: Prepared,
  keys: string[],
): Promise<EventCounts> {
  await app.kill();
  const reader = await startChild<Record<string, never>>(benchScript("ingest-server.ts"), {
    database: prepared.database,
    serve: false,
  } satisfies AppServerOptions);
  try {
    return await reader.call<EventCounts>("count", { accountId: app.ready.accountId, keys });
  } finally {
    await reader.stop();
  }
}

async function benchEngine(variant: Variant, settings: BenchSettings): Promise<EngineSummary> {
  const { engine, stripped } = variant;
  const prepared = await prepareDatabase(engine, settings.databaseUrl);
  const children: Array<BenchChild<unknown>> = [];
  try {
    note(
      `${variantName(variant)}: ${prepared.label}` +
        (stripped ? "; events table stripped to its keys (a lower bound, not deployable)" : ""),
    );
    const bare = await startChild<{ url: string }>(benchScript("bare-server.ts"), {});
    children.push(bare);
    const app = await startChild<AppServerReady>(benchScript("ingest-server.ts"), {
      database: prepared.database,
      serve: true,
      stripped,
    } satisfies AppServerOptions);
    children.push(app);

    const bareLoad = new Load("/bare", null);
    const ingestLoad = new Load("/api/widget/events", app.ready);

    // Warm both up (JIT, connection pool, token cache) before anything counts.
    await bareLoad.run(`${bare.ready.url}/bare`, settings.connections, WARMUP_SECONDS);
    await ingestLoad.run(
      `${app.ready.url}/api/widget/events`,
      settings.connections,
      WARMUP_SECONDS,
    );
    let previous = await settledCounts(app, []);

    const rounds: RoundResult[] = [];
    const lastRound = settings.rounds;
    for (let round = 1; round <= settings.rounds; round++) {
      rounds.push(await measure("bare", round, bareLoad, bare, "/bare", settings, null));
      const before = ingestLoad.acknowledged.length;
      const result = await measure(
        "ingest",
        round,
        ingestLoad,
        app,
        "/api/widget/events",
        settings,
        prepared.backends,
      );
      rounds.push(result);
      const keys = ingestLoad.acknowledged.slice(before);
      if (round < lastRound || settings.profile) {
        const counts = await settledCounts(app, keys);
        result.stored = {
          rows: counts.rows - previous.rows,
          transactions: counts.transactions - previous.transactions,
          keysFound: counts.keysFound,
        };
        previous = counts;
      }
    }

    let profileFile: string | null = null;
    if (settings.profile) {
      const dir = benchScript("profiles/");
      await mkdir(dir, { recursive: true });
      profileFile = path.join(dir, `ingest-${engine}-${Date.now()}.cpuprofile`);
      await app.call("profileStart");
      await ingestLoad.run(
        `${app.ready.url}/api/widget/events`,
        settings.connections,
        settings.duration,
      );
      await app.call("profileStop", { file: profileFile });
    }

    // Straight after the last acknowledged response: no drain, no clean shutdown.
    const all = ingestLoad.acknowledged;
    const survived = await countAfterCrash(app, prepared, all);
    const last = rounds.at(-1);
    if (last && !last.stored) {
      last.stored = {
        rows: survived.rows - previous.rows,
        transactions: survived.transactions - previous.transactions,
        // Only the total over all rounds is known here; a loss is reported below.
        keysFound: survived.keysFound === all.length ? last.ok : Number.NaN,
      };
    }

    printRounds(variantName(variant), rounds);
    const bareRounds = rounds.filter((r) => r.kind === "bare");
    const ingestRounds = rounds.filter((r) => r.kind === "ingest");
    const bareRps = median(bareRounds.map((r) => r.reqPerSec));
    const ingestRps = median(ingestRounds.map((r) => r.reqPerSec));
    const durable = survived.keysFound === all.length;
    const pairs = ingestRounds.map(
      (r, i) => r.reqPerSec / (bareRounds[i]?.reqPerSec ?? Number.NaN),
    );
    note(
      `ingest/bare per round pair: ${pairs.map((p) => p.toFixed(2)).join(", ")} ` +
        `(the spread shows how noisy the machine was)`,
    );
    // What the CPU alone allows: every core busy, each request costing what it was measured
    // to cost in the server, the database and the load generator sharing this machine.
    const cpuPerRequestUs = median(
      ingestRounds.map((r) => r.serverUsPerReq + (r.dbUsPerReq ?? 0) + r.clientUsPerReq),
    );
    const ceilingRps = (os.cpus().length * 1e6) / cpuPerRequestUs;
    note(
      `CPU ceiling: at ${cpuPerRequestUs.toFixed(0)} us of CPU per request (server + database + ` +
        `autocannon), ${os.cpus().length} cores fully busy would serve at most ` +
        `${fmt.int(ceilingRps)} req/s = ${(ceilingRps / bareRps).toFixed(2)} of bare`,
    );
    note(
      `after SIGKILL and reopening: ${fmt.int(survived.rows)} events stored, ` +
        `${fmt.int(survived.keysFound)} of ${fmt.int(all.length)} acknowledged (2xx) keys found ` +
        `(warm-up included) -> ${durable ? "every accepted event is durable" : "ACCEPTED EVENTS LOST"}`,
    );
    if (profileFile) await printProfileSummary(profileFile);
    return {
      variant,
      bare: bareRps,
      ingest: ingestRps,
      ratio: ingestRps / bareRps,
      p50: median(ingestRounds.map((r) => r.p50)),
      p99: median(ingestRounds.map((r) => r.p99)),
      non2xx: ingestRounds.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
      durable,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    await prepared.cleanup();
  }
}

function printRounds(name: string, rounds: RoundResult[]): void {
  table(
    [
      `${name} round`,
      "req/s",
      "p50",
      "p99",
      "2xx",
      "non-2xx",
      "errors",
      "statuses",
      "sent",
      "stored",
      "2xx keys found",
      "rows/commit",
    ],
    rounds.map((r) => [
      `${r.kind} #${r.round}`,
      fmt.int(r.reqPerSec),
      fmt.ms(r.p50),
      fmt.ms(r.p99),
      fmt.int(r.ok),
      fmt.int(r.non2xx),
      fmt.int(r.errors),
      r.statuses,
      fmt.int(r.sent),
      r.stored ? fmt.int(r.stored.rows) : "",
      r.stored
        ? Number.isNaN(r.stored.keysFound)
          ? "see below"
          : `${fmt.int(r.stored.keysFound)}/${fmt.int(r.ok)}`
        : "",
      r.stored && r.stored.transactions > 0
        ? (r.stored.rows / r.stored.transactions).toFixed(1)
        : "",
    ]),
  );
  console.log("");
  table(
    [
      `${name} round`,
      "server busy",
      "server CPU/req",
      "Postgres CPU/req",
      "autocannon CPU/req",
      "machine busy",
    ],
    rounds.map((r) => [
      `${r.kind} #${r.round}`,
      `${r.serverCpu.toFixed(2)} cores`,
      `${r.serverUsPerReq.toFixed(0)} us`,
      r.dbUsPerReq === null ? "" : `${r.dbUsPerReq.toFixed(0)} us`,
      `${r.clientUsPerReq.toFixed(0)} us`,
      fmt.pct(r.machineCpu),
    ]),
  );
}

export async function ingestSection(settings: BenchSettings): Promise<void> {
  heading("Ingest: POST /api/widget/events vs. a bare Fastify route");
  note(
    `${settings.connections} connections, ${settings.duration} s per round, ${settings.rounds} ` +
      `rounds each, alternating bare/ingest (+${WARMUP_SECONDS} s warm-up each); ` +
      `${os.cpus().length} CPUs; servers in child processes, autocannon in this one`,
  );
  note(
    "stored = rows the round added: requests still in flight when autocannon stopped are " +
      "stored too, so 2xx <= stored <= sent; every 2xx key must be found",
  );
  if (!settings.databaseUrl) note("DATABASE_URL not set: Postgres skipped");
  const summaries: EngineSummary[] = [];
  const variants: Variant[] = settings.engines.map((engine) => ({ engine, stripped: false }));
  if (settings.ingestStripped) {
    if (settings.engines.includes("postgres"))
      variants.push({ engine: "postgres", stripped: true });
    else note("BENCH_INGEST_STRIPPED runs on Postgres only: set DATABASE_URL");
  }
  for (const variant of variants) {
    console.log("");
    summaries.push(await benchEngine(variant, settings));
  }
  console.log("");
  table(
    [
      "engine",
      "bare req/s",
      "ingest req/s",
      "ratio",
      "ingest p50",
      "ingest p99",
      "non-2xx+errors",
      "durable",
      "target",
    ],
    summaries.map((s) => [
      variantName(s.variant),
      fmt.int(s.bare),
      fmt.int(s.ingest),
      s.ratio.toFixed(2),
      fmt.ms(s.p50),
      fmt.ms(s.p99),
      fmt.int(s.non2xx),
      s.durable ? "yes" : "NO",
      s.variant.engine === "postgres" && !s.variant.stripped
        ? `ratio >= ${TARGET_RATIO}: ${verdict(s.ratio >= TARGET_RATIO && s.non2xx === 0)}`
        : "(none)",
    ]),
  );
  note("medians over the rounds; ratio = ingest req/s / bare req/s");
}

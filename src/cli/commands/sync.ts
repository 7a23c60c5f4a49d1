import cliProgress from "cli-progress";
import { formatDuration } from "../../contract/duration.js";
import { type BackfillProgress, runBackfill } from "../../sync/backfill.js";
import { reposOf } from "../../sync/deps.js";
import { CliError } from "../cli-error.js";
import { configFrom, parseCommand, withSecrets } from "../options.js";
import { cliSyncDeps } from "./billing.js";

/** `12% · ETA 3m`: the estimate (Stripe gives no totals: see sync/estimate.ts). */
function estimate(p: BackfillProgress): string {
  const percent = `${Math.floor(p.fraction * 100)}%`;
  return p.etaSeconds === null ? percent : `${percent} · ETA ${formatDuration(p.etaSeconds)}`;
}

/**
 * `customers 300 … 120/s · 12% · ETA 3m`: one line a page, for logs and pipes. Customers are
 * listed first, so until a subscription is stored the page was one of customers (its last
 * page already moves the run on to the subscriptions).
 */
function plainLine(p: BackfillProgress): string {
  const [phase, count] =
    p.subscriptions === 0 ? ["customers", p.customers] : ["subscriptions", p.subscriptions];
  return `${phase} ${count} … ${p.perSecond}/s · ${estimate(p)}`;
}

/** A bar on a terminal (count, rate, share done and ETA); plain lines elsewhere. */
function progressPrinter() {
  if (!process.stdout.isTTY) {
    return { update: (p: BackfillProgress) => console.log(plainLine(p)), stop() {} };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: "{phase} {value} objects | {rate}/s | {estimate} | {duration_formatted}",
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { phase: "customers", rate: 0, estimate: "0%" });
  return {
    update(p: BackfillProgress) {
      bar.update(p.customers + p.subscriptions, {
        phase: p.phase,
        rate: p.perSecond,
        estimate: estimate(p),
      });
    },
    stop: () => bar.stop(),
  };
}

/** `sync --account ID [--connection ID]`: the backfill here and now, resuming a stopped one. */
export async function syncCommand(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, {
    account: { type: "string" },
    connection: { type: "string" },
  });
  const accountId = typeof values.account === "string" ? values.account : "";
  if (!accountId) throw new CliError("--account ID is required.");
  const config = configFrom(values);
  await withSecrets(config, async ({ db }, secrets) => {
    const deps = cliSyncDeps(db, secrets, config);
    let connectionId = typeof values.connection === "string" ? values.connection : "";
    if (!connectionId) {
      const all = await reposOf(deps).billingConnections.listForAccount(accountId);
      const active = all.filter((c) => c.status === "active");
      if (active.length !== 1) {
        throw new CliError(
          `This account has ${active.length} active billing connections: name one with --connection ID.`,
        );
      }
      connectionId = active[0]?.id ?? "";
    }
    const stop = new AbortController();
    const interrupt = () => stop.abort(new CliError("Stopped: run sync again to resume."));
    process.once("SIGINT", interrupt);
    const printer = progressPrinter();
    try {
      const done = await runBackfill(deps, accountId, connectionId, {
        signal: stop.signal,
        onProgress: printer.update,
      });
      printer.stop();
      console.log(
        `Synced ${done.customers} customers and ${done.subscriptions} subscriptions (${done.state}).`,
      );
    } catch (error) {
      printer.stop();
      throw error;
    } finally {
      process.off("SIGINT", interrupt);
    }
  });
}

/**
 * Widget size: the built files' raw / gzip / brotli bytes against the budget, and what a
 * browser actually receives from a running server for each Accept-Encoding.
 */
import { readFile } from "node:fs/promises";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { AppServerOptions, AppServerReady } from "./ingest-server.js";
import { benchScript, fmt, heading, note, startChild, table, verdict } from "./lib.js";

export const GZIP_BUDGET = 6144;
// The same budgets as bin/build-widget.js; the offer step loads only for accounts with offers.
const SCRIPTS = { "barecancel.js": GZIP_BUDGET, "barecancel-offer.js": 2048 };
const built = (name: string) => fileURLToPath(new URL(`../dist/widget/${name}`, import.meta.url));

interface Transfer {
  status: number;
  encoding: string;
  contentLength: string;
  bodyBytes: number;
  /** Status line, headers and body, as read off the socket. */
  wireBytes: number;
  body: Buffer;
  etag: string;
}

/** One GET on a fresh connection, body left as sent (Node does not decompress). */
function get(url: string, headers: Record<string, string>): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: response.statusCode ?? 0,
          encoding: String(response.headers["content-encoding"] ?? "identity"),
          contentLength: String(response.headers["content-length"] ?? "-"),
          bodyBytes: body.length,
          wireBytes: response.socket.bytesRead,
          body,
          etag: String(response.headers.etag ?? ""),
        });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

interface BuiltScript {
  raw: Buffer;
  gz: Buffer;
  br: Buffer;
}

/** One built script's sizes as built and recompressed at maximum, against its budget. */
async function sizeOf(name: string, budget: number): Promise<BuiltScript> {
  heading(`Widget size: dist/widget/${name}`);
  const file = built(name);
  const raw = await readFile(file);
  const gz = await readFile(`${file}.gz`);
  const br = await readFile(`${file}.br`);
  // Recompressed here at maximum settings, to see whether the build left bytes on the table.
  const gzMax = gzipSync(raw, { level: 9 }).length;
  const brMax = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  }).length;
  table(
    ["encoding", "built file", "max-level here"],
    [
      ["raw", fmt.bytes(raw.length), ""],
      ["gzip", fmt.bytes(gz.length), fmt.bytes(gzMax)],
      ["brotli", fmt.bytes(br.length), fmt.bytes(brMax)],
    ],
  );
  note(
    `budget ${fmt.bytes(budget)} gzip: ${fmt.bytes(gz.length)} used = ` +
      `${fmt.pct(gz.length / budget)}, ${fmt.bytes(budget - gz.length)} left -> ` +
      verdict(gz.length <= budget),
  );
  if (raw.length < 200) note(`WARNING: ${name} is ${raw.length} bytes: a placeholder, not built?`);
  return { raw, gz, br };
}

export async function widgetSizeSection(): Promise<void> {
  const scripts: Record<string, BuiltScript> = {};
  for (const [name, budget] of Object.entries(SCRIPTS)) scripts[name] = await sizeOf(name, budget);

  const server = await startChild<AppServerReady>(benchScript("ingest-server.ts"), {
    database: { kind: "pglite", dataDir: null },
    serve: true,
  } satisfies AppServerOptions);
  try {
    const rows: Array<Array<string>> = [];
    const problems: string[] = [];
    let etag = "";
    for (const [label, path, acceptEncoding] of [
      ["br", "/barecancel.js", "br"],
      ["gzip", "/barecancel.js", "gzip"],
      ["browser", "/barecancel.js", "gzip, deflate, br, zstd"],
      ["none", "/barecancel.js", ""],
      ["br", "/js/application.js", "br"],
      ["br", "/barecancel-offer.js", "br"],
      ["none", "/barecancel-offer.js", ""],
    ] as const) {
      const headers: Record<string, string> = acceptEncoding
        ? { "accept-encoding": acceptEncoding }
        : {};
      const t = await get(`${server.ready.url}${path}`, headers);
      if (path === "/barecancel.js") etag ||= t.etag;
      const script =
        scripts[path === "/barecancel-offer.js" ? "barecancel-offer.js" : "barecancel.js"];
      const expected: Record<string, Buffer | undefined> = {
        br: script?.br,
        gzip: script?.gz,
        identity: script?.raw,
      };
      rows.push([
        `${path} (accept-encoding: ${acceptEncoding || "none"})`,
        String(t.status),
        t.encoding,
        fmt.bytes(t.bodyBytes),
        fmt.bytes(t.wireBytes),
      ]);
      const want = expected[t.encoding];
      if (!want || !t.body.equals(want)) {
        problems.push(`${path} for "${label}" is not the built ${t.encoding} file`);
      }
      if (t.contentLength !== String(t.bodyBytes)) {
        problems.push(
          `${path} for "${label}": content-length ${t.contentLength}, body ${t.bodyBytes}`,
        );
      }
    }
    const revalidated = await get(`${server.ready.url}/barecancel.js`, {
      "accept-encoding": "br",
      "if-none-match": etag,
    });
    rows.push([
      "/barecancel.js (br, If-None-Match: etag)",
      String(revalidated.status),
      revalidated.encoding,
      fmt.bytes(revalidated.bodyBytes),
      fmt.bytes(revalidated.wireBytes),
    ]);
    if (revalidated.status !== 304)
      problems.push(`revalidation gave ${revalidated.status}, not 304`);
    console.log("");
    table(["request to a running server", "status", "encoding", "body", "on the wire"], rows);
    note("on the wire = status line + headers + body, one request per connection");
    for (const problem of problems) note(`PROBLEM: ${problem}`);
  } finally {
    await server.stop();
  }
}

#!/usr/bin/env node
// Builds the dashboard (React + Vite) into dist/dashboard and checks the JavaScript a first
// visit downloads (the entry chunk and its static imports) against the budget.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "vite";

// Always React's production build, also when a test runner (NODE_ENV=test) asks for it.
process.env.NODE_ENV = "production";

const FIRST_LOAD_GZIP_BUDGET = 200 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = `${root}dist/dashboard`;
// Built aside and swapped in: a server running meanwhile never serves half a build.
const tmpDir = `${root}dist/.dashboard-${process.pid}`;

const result = await build({
  configFile: `${root}src/dashboard/vite.config.ts`,
  mode: "production",
  logLevel: "warn",
  build: { outDir: tmpDir, emptyOutDir: true },
});
const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
const chunks = new Map(outputs.filter((o) => o.type === "chunk").map((c) => [c.fileName, c]));

const firstLoad = new Set();
const visit = (name) => {
  if (firstLoad.has(name)) return;
  firstLoad.add(name);
  for (const imported of chunks.get(name)?.imports ?? []) visit(imported);
};
for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);

const gzipOf = (code) => gzipSync(code, { level: 9 }).length;
let firstRaw = 0;
let firstGzip = 0;
for (const name of firstLoad) {
  const code = chunks.get(name)?.code ?? "";
  firstRaw += Buffer.byteLength(code);
  firstGzip += gzipOf(code);
}
let lazyGzip = 0;
for (const [name, chunk] of chunks) if (!firstLoad.has(name)) lazyGzip += gzipOf(chunk.code);
// A page's styles come with its chunk: only the entry's count for the first visit.
const firstCss = new Set(
  [...firstLoad].flatMap((name) => [...(chunks.get(name)?.viteMetadata?.importedCss ?? [])]),
);
let firstCssGzip = 0;
let lazyCssGzip = 0;
for (const asset of outputs) {
  if (asset.type !== "asset" || !asset.fileName.endsWith(".css")) continue;
  if (firstCss.has(asset.fileName)) firstCssGzip += gzipOf(asset.source);
  else lazyCssGzip += gzipOf(asset.source);
}

// Compressed once here, so the server sends .br or .gz files without compressing per request.
for (const entry of readdirSync(tmpDir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.(js|css|html|svg)$/.test(entry.name)) continue;
  const file = `${entry.parentPath ?? entry.path}/${entry.name}`;
  const data = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  );
}

// The old build is moved aside (one rename) before the new one moves in and only then
// deleted, so the gap in which dist/dashboard is missing is two renames, not a deletion.
const oldDir = `${root}dist/.dashboard-old-${process.pid}`;
if (existsSync(outDir)) renameSync(outDir, oldDir);
renameSync(tmpDir, outDir);
rmSync(oldDir, { recursive: true, force: true });

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(
  `dist/dashboard  first-load JS ${firstLoad.size} files, raw ${kb(firstRaw)}, gzip ${kb(firstGzip)}` +
    `, CSS gzip ${kb(firstCssGzip)}  (lazy: JS gzip ${kb(lazyGzip)}, CSS gzip ${kb(lazyCssGzip)})`,
);
if (firstGzip > FIRST_LOAD_GZIP_BUDGET) {
  console.error(
    `dashboard first-load JS is over budget: gzip ${firstGzip} B > ${FIRST_LOAD_GZIP_BUDGET} B`,
  );
  process.exit(1);
}

#!/usr/bin/env node
// Compiles the server and the CLI (src/, without the browser parts) into ES modules in
// dist/node/: the entry cli.js and the chunks it shares with each command, so that `npm start`
// runs plain JavaScript (no TypeScript compiler at run time) and each command loads only its
// own code and packages (`--help` needs neither Fastify nor PGlite). Packages stay external
// (installed by npm), only our own code is bundled.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const OUT_DIR = `${root}dist/node`;
const CHUNKS_DIR = `${OUT_DIR}/chunks`;
export const SERVER_BUNDLE = `${OUT_DIR}/cli.js`;

/** The newest modification time of the TypeScript the bundle is made from. */
function newestSource(dir = `${root}src`) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    // The browser's code goes into dist/widget and dist/dashboard, not into this bundle.
    if (entry.isDirectory() && (entry.name === "widget" || entry.name === "dashboard")) continue;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when the bundle is missing or older than a source file. */
export function serverBundleIsStale() {
  try {
    return statSync(SERVER_BUNDLE).mtimeMs < newestSource();
  } catch {
    return true;
  }
}

/** Written aside and renamed: another process starting meanwhile never loads half a file. */
function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/**
 * Builds dist/node. The chunks are named by their content, so they go in first beside those
 * of the build before, which a process started just now may still be loading; the entry,
 * renamed into place last, switches to the new ones. `prune` removes the chunks of earlier
 * builds: only for an explicit build, as a CLI process rebuilding a stale bundle cannot know
 * whether another process still needs them.
 */
export async function buildServer({ prune = false } = {}) {
  const { outputFiles } = await build({
    entryPoints: { cli: `${root}src/cli/main.ts` },
    outdir: OUT_DIR,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    logLevel: "warning",
    write: false,
  });
  mkdirSync(CHUNKS_DIR, { recursive: true });
  const chunks = outputFiles.filter((file) => file.path !== SERVER_BUNDLE);
  for (const chunk of chunks) writeAtomically(chunk.path, chunk.contents);
  const entry = outputFiles.find((file) => file.path === SERVER_BUNDLE);
  if (!entry) throw new Error(`esbuild wrote no ${SERVER_BUNDLE}`);
  writeAtomically(SERVER_BUNDLE, entry.contents);
  if (prune) {
    const current = new Set(chunks.map((chunk) => path.basename(chunk.path)));
    for (const name of readdirSync(CHUNKS_DIR)) {
      if (!current.has(name)) rmSync(path.join(CHUNKS_DIR, name), { force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildServer({ prune: true });
  console.log("dist/node/cli.js and its chunks");
}

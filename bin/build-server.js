#!/usr/bin/env node
// Compiles the server and the CLI (src/, without the browser parts) into one ES module,
// dist/node/cli.js, so that `npm start` runs plain JavaScript: no TypeScript compiler at run
// time. Packages stay external (installed by npm), only our own code is bundled.
import { readdirSync, renameSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
export const SERVER_BUNDLE = `${root}dist/node/cli.js`;

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

export async function buildServer() {
  // Written aside and renamed: another process starting meanwhile never loads half a file.
  const tmp = `${SERVER_BUNDLE}.${process.pid}`;
  await build({
    entryPoints: [`${root}src/cli/main.ts`],
    outfile: tmp,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    logLevel: "warning",
  });
  renameSync(tmp, SERVER_BUNDLE);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await buildServer();
  console.log("dist/node/cli.js");
}

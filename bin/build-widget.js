#!/usr/bin/env node
// Bundles the embeddable widget and its lazily loaded offer step into one minified file
// each, and checks both against their size budgets.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

// Every page with a cancel button loads the base; only accounts with offers load the step.
const BUDGETS = { "barecancel.js": 6144, "barecancel-offer.js": 2048 };
const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = `${root}dist/widget`;

// Written aside and renamed: a server starting meanwhile never reads half a file.
const put = (name, data) => {
  writeFileSync(`${outDir}/${name}.${process.pid}`, data);
  renameSync(`${outDir}/${name}.${process.pid}`, `${outDir}/${name}`);
};

async function bundle(entry, name) {
  const result = await build({
    entryPoints: [`${root}src/widget/${entry}`],
    bundle: true,
    format: "iife",
    minify: true,
    // Every browser with <dialog>.showModal() and requestSubmit() runs ES2020 syntax natively.
    target: "es2020",
    legalComments: "none",
    write: false,
  });
  const code = result.outputFiles[0].contents;
  const gzip = gzipSync(code, { level: 9 });
  const brotli = brotliCompressSync(code, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: code.length,
    },
  });
  put(`${name}.gz`, gzip);
  put(`${name}.br`, brotli);
  put(name, code);
  console.log(
    `dist/widget/${name}  raw ${code.length} B  gzip ${gzip.length} B  brotli ${brotli.length} B`,
  );
  if (gzip.length > BUDGETS[name]) {
    console.error(`${name} is over budget: gzip ${gzip.length} B > ${BUDGETS[name]} B`);
    process.exitCode = 1;
  }
}

mkdirSync(outDir, { recursive: true });
await bundle("index.ts", "barecancel.js");
// Last: the server's start checks for this file to tell a complete build.
await bundle("offer-step.ts", "barecancel-offer.js");

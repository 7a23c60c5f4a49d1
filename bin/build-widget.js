#!/usr/bin/env node
// Bundles the embeddable widget into one minified file and checks it against the size budget.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

const GZIP_BUDGET = 6144;
const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = `${root}dist/widget`;

const result = await build({
  entryPoints: [`${root}src/widget/index.ts`],
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

// Written aside and renamed: a server starting meanwhile never reads half a file.
const put = (name, data) => {
  writeFileSync(`${outDir}/${name}.${process.pid}`, data);
  renameSync(`${outDir}/${name}.${process.pid}`, `${outDir}/${name}`);
};
mkdirSync(outDir, { recursive: true });
put("barecancel.js.gz", gzip);
put("barecancel.js.br", brotli);
put("barecancel.js", code);

console.log(
  `dist/widget/barecancel.js  raw ${code.length} B  gzip ${gzip.length} B  brotli ${brotli.length} B`,
);
if (gzip.length > GZIP_BUDGET) {
  console.error(`widget is over budget: gzip ${gzip.length} B > ${GZIP_BUDGET} B`);
  process.exit(1);
}

#!/usr/bin/env node
// The CLI runs compiled JavaScript (dist/node/cli.js, made by bin/build-server.js). A checkout
// whose sources changed since is rebuilt first (a fraction of a second with esbuild); an
// install without the dev dependencies runs the bundle it was shipped with.
const bundle = new URL("../dist/node/cli.js", import.meta.url);

let builder = null;
try {
  builder = await import("./build-server.js");
} catch {
  // No esbuild (npm ci --omit=dev): dist/ was built before shipping.
}
if (builder?.serverBundleIsStale()) await builder.buildServer();
await import(bundle.href);

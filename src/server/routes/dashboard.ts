import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";
import { DASHBOARD_DIR } from "../../paths.js";

/** The dashboard's scripts and styles are files of its own origin; nothing inline runs. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/** Paths of the single-page app: each answers with index.html and the app routes itself. */
const APP_PATHS = ["/", "/login", "/setup", "/invite/*", "/accounts", "/accounts/*"];

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cancel Insights</title></head>
<body><main><h1>The dashboard is not built yet</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds what is missing), then reload.</p>
</main></body></html>`;

function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-cache")
    .header("content-security-policy", DASHBOARD_CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "same-origin")
    .header("x-frame-options", "DENY");
}

/**
 * The dashboard built by Vite (dist/dashboard): hashed assets cached for good, and
 * index.html (never cached) for every path of the app. Only the files of the build get
 * routes, so /api, /v1, the widget, /demo and the health checks are untouched.
 */
export async function dashboardRoutes(app: FastifyInstance, options: { dir?: string }) {
  const dir = options.dir ?? DASHBOARD_DIR;
  const indexFile = path.join(dir, "index.html");
  const built = existsSync(indexFile);
  const html = built ? readFileSync(indexFile, "utf8") : NOT_BUILT;

  for (const url of APP_PATHS) {
    app.get(url, async (_request, reply) =>
      htmlHeaders(reply)
        .status(built ? 200 : 503)
        .send(html),
    );
  }
  if (!built) return;

  await app.register(fastifyStatic, {
    root: dir,
    prefix: "/",
    // One route per file of the build, no catch-all: unknown paths keep the JSON 404.
    wildcard: false,
    index: false,
    decorateReply: false,
    // The build writes .br and .gz beside each file; they are picked by Accept-Encoding.
    preCompressed: true,
    globIgnore: ["index.html", "**/*.br", "**/*.gz"],
    cacheControl: false,
    setHeaders(reply, filePath) {
      const immutable = filePath.split(path.sep).includes("assets");
      reply.header(
        "cache-control",
        immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600",
      );
      reply.header("x-content-type-options", "nosniff");
    },
  });
}

import { readFileSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { WIDGET_DIR } from "../../paths.js";
import { contentHash, isFresh } from "../http-cache.js";

interface WidgetFiles {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

function loadScript(dir: string, file: string): WidgetFiles {
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name));
    } catch {
      throw new Error(`${path.join(dir, name)} is missing: run "npm run build" first.`);
    }
  };
  const identity = read(file);
  return {
    identity,
    gzip: read(`${file}.gz`),
    br: read(`${file}.br`),
    etag: `"${contentHash(identity)}"`,
  };
}

/** The best encoding the client accepts (q=0 means refused), among those built ahead. */
function pickEncoding(request: FastifyRequest): "br" | "gzip" | "identity" {
  const accepted = new Set(
    String(request.headers["accept-encoding"] ?? "")
      .split(",")
      .map((part) => part.trim().split(";"))
      .filter(([, q]) => !q || !/^\s*q=0(\.0*)?\s*$/.test(q))
      .map(([name]) => name?.trim().toLowerCase()),
  );
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return "identity";
}

/**
 * One built script, compressed at build time and held in memory. The URL carries no
 * version (sites paste it once), so caches keep it a day and then revalidate with the ETag.
 */
function scriptHandler(widget: WidgetFiles) {
  return async (request: FastifyRequest, reply: import("fastify").FastifyReply) => {
    reply
      .header("content-type", "application/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=86400, stale-while-revalidate=604800")
      .header("etag", widget.etag)
      .header("vary", "Accept-Encoding")
      .header("access-control-allow-origin", "*")
      .header("cross-origin-resource-policy", "cross-origin");
    if (isFresh(request, widget.etag)) return reply.status(304).send();
    const encoding = pickEncoding(request);
    if (encoding !== "identity") reply.header("content-encoding", encoding);
    return reply.send(widget[encoding === "identity" ? "identity" : encoding]);
  };
}

/** The widget, and its offer step, which it loads itself when the account has offers. */
export async function widgetScriptRoutes(app: FastifyInstance, options: { dir?: string }) {
  const dir = options.dir ?? WIDGET_DIR;
  const handler = scriptHandler(loadScript(dir, "barecancel.js"));
  // The base script names this path (src/widget/offer.ts); its version follows the base's:
  // an older base in a cache may load a newer step, so the hook between them only grows.
  app.get("/barecancel-offer.js", scriptHandler(loadScript(dir, "barecancel-offer.js")));
  app.get("/barecancel.js", handler);
  // Baremetrics' own path: an existing snippet needs only its host changed.
  app.get("/js/application.js", handler);
}

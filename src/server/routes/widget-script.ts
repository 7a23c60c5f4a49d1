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

function loadWidget(dir: string): WidgetFiles {
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name));
    } catch {
      throw new Error(`${path.join(dir, name)} is missing: run "npm run build" first.`);
    }
  };
  const identity = read("barecancel.js");
  return {
    identity,
    gzip: read("barecancel.js.gz"),
    br: read("barecancel.js.br"),
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
 * The widget, compressed at build time and held in memory. The URL carries no version
 * (sites paste it once), so caches keep it a day and then revalidate with the ETag.
 */
export async function widgetScriptRoutes(app: FastifyInstance, options: { dir?: string }) {
  const widget = loadWidget(options.dir ?? WIDGET_DIR);
  const handler = async (request: FastifyRequest, reply: import("fastify").FastifyReply) => {
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
  app.get("/barecancel.js", handler);
  // Baremetrics' own path: an existing snippet needs only its host changed.
  app.get("/js/application.js", handler);
}

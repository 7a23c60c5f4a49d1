import { createServer, request as forward } from "node:http";
import { listen, readBody, track } from "./browser.js";

/** How the proxy answers the widget's store call: passed on to the server, or failed so. */
export type IngestFault = "pass" | "hang" | 429 | 503;

export interface WidgetProxy {
  /** Where the page loads the widget from: its server, as far as the widget can tell. */
  url: string;
  ingest: IngestFault;
  /** The bodies of the store calls that reached the server, in order of arrival. */
  posts: Array<Record<string, unknown>>;
  /** Closes the port: connections are refused, as by a server that is down. */
  stop(): Promise<void>;
  /** Opens the same port again: the server is back. */
  start(): Promise<void>;
}

const INGEST = "/api/widget/events";

/**
 * The real widget server behind a switch: the script, config and answers pass through to
 * `target` until the test stops the port or fails the store call. The port stays the same
 * across stop and start, so the widget sees one server going away and coming back.
 */
export async function startWidgetProxy(target: string): Promise<WidgetProxy> {
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const isStore = req.method === "POST" && req.url === INGEST;
    const fault = proxy.ingest;
    if (isStore && fault !== "pass") {
      if (fault === "hang") return;
      // With CORS, or the browser would hide the status and the widget see a network error.
      res.writeHead(fault, {
        "access-control-allow-origin": "*",
        "content-type": "application/json",
      });
      res.end(JSON.stringify({ error: { code: "unavailable", message: "test fault" } }));
      return;
    }
    if (isStore) proxy.posts.push(JSON.parse(body));
    const upstream = forward(`${target}${req.url}`, { method: req.method, headers: req.headers });
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    upstream.end(body);
  });
  const close = track(server);
  const port = await listen(server);
  const proxy: WidgetProxy = {
    url: `http://127.0.0.1:${port}`,
    ingest: "pass",
    posts: [],
    stop: close,
    async start() {
      if (server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
    },
  };
  return proxy;
}

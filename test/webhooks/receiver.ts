import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { Socket } from "node:net";
import { freePort } from "../helpers/cli.js";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
  at: number;
}

/** The answer to the n-th request (0-based): a status, or "drop" to cut the connection. */
export type Answer = (
  n: number,
  request: { headers: IncomingHttpHeaders; body: string },
) => number | "drop";

/**
 * A webhook receiver on a fixed local port that can be down (not listening), answer errors,
 * drop connections, and come back: as a customer's real endpoint would.
 */
export interface Receiver {
  url: string;
  received: Received[];
  /** Requests that got a 2xx. */
  accepted(): Received[];
  answer: Answer;
  /** Extra delay before answering, in ms. */
  delayMs: number;
  up(): Promise<void>;
  down(): Promise<void>;
}

export async function createReceiver(answer: Answer = () => 200): Promise<Receiver> {
  const port = await freePort();
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    received: [],
    accepted: () => receiver.received.filter((r) => r.status >= 200 && r.status < 300),
    answer,
    delayMs: 0,
    async up() {
      server = createServer((req, res) => {
        let body = "";
        req.setEncoding("utf8");
        req.on("data", (chunk: string) => {
          body += chunk;
        });
        req.on("end", () => {
          const n = receiver.received.length;
          const status = receiver.answer(n, { headers: req.headers, body });
          if (status === "drop") {
            receiver.received.push({ headers: req.headers, body, status: 0, at: Date.now() });
            req.socket.destroy();
            return;
          }
          setTimeout(() => {
            receiver.received.push({ headers: req.headers, body, status, at: Date.now() });
            res.writeHead(status, { "content-type": "text/plain" });
            res.end(status < 300 ? "ok" : "receiver trouble");
          }, receiver.delayMs);
        });
      });
      server.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      const listening = server;
      await new Promise<void>((resolve) => listening.listen(port, "127.0.0.1", resolve));
    },
    async down() {
      const closing = server;
      server = null;
      if (!closing) return;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => closing.close(resolve));
    },
  };
  return receiver;
}

/**
 * Verifies `Cancel-Insights-Signature` exactly as docs/webhooks.md tells a receiver to,
 * with nothing but node:crypto: HMAC-SHA256 of "<t>.<raw body>" with the endpoint's secret,
 * compared in constant time, and `t` no older than five minutes.
 */
export function verifySignature(
  header: string | string[] | undefined,
  rawBody: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof header !== "string") return false;
  const parts = header.split(",").map((part) => part.split("="));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest();
  return parts
    .filter(([key]) => key === "v1")
    .some(([, hex]) => {
      const given = Buffer.from(hex ?? "", "hex");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type Stripe from "stripe";
import { STRIPE_API_VERSION } from "../client.js";
import { FakeStripeAccount } from "./account.js";
import { type Params, parseParams } from "./form.js";
import { FakeStripeError } from "./params.js";
import { routeOf } from "./routes.js";
import { postWebhook, signedWebhook } from "./webhook.js";
import { writeRouteOf } from "./writes.js";

/** A failure the next matching request gets instead of its answer. */
export type Fault =
  | { kind: "rate_limit"; retryAfterSeconds?: number }
  | { kind: "server_error"; status?: number; shouldRetry?: boolean }
  /** Answers, but only after this long (real time: for client timeouts). */
  | { kind: "slow"; ms: number }
  /** Closes the connection without an answer. */
  | { kind: "drop" };

export interface LoggedRequest {
  method: string;
  path: string;
  /** The query's, or a POST's body. */
  params: Params;
  /** A write's `Idempotency-Key` header, when sent. */
  idempotencyKey: string | null;
  /** On the fake's clock, in milliseconds. */
  at: number;
  status: number;
}

export interface FakeStripeOptions {
  /** The secret or restricted keys it accepts; each key's prefix picks the live or test data. */
  keys: readonly string[];
  /** Milliseconds; dates objects, events and the request log. */
  now?: () => number;
  /** A big generated account in test mode (customers, each with a subscription). */
  generatedCustomers?: number;
  host?: string;
  port?: number;
}

/** What a write answered, kept per idempotency key and mode as Stripe keeps it (24 h). */
interface KeptAnswer {
  status: number;
  body: unknown;
  /** The request's parameters: the same key with others is a client bug Stripe refuses. */
  params: string;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * A Stripe API on node:http for tests, the benchmark and the demo: the read endpoints a sync
 * uses, the writes retention offers make (with Idempotency-Key replays), Stripe's form
 * encoding, error bodies and statuses, key checks, and faults on demand.
 * Change its data through `live` and `test` as Stripe would (each change records its event).
 */
export class FakeStripe {
  readonly live: FakeStripeAccount;
  readonly test: FakeStripeAccount;
  readonly requests: LoggedRequest[] = [];
  url = "";
  private readonly faults: { fault: Fault; times: number; path: string }[] = [];
  private readonly answers = new Map<string, KeptAnswer>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly now: () => number;

  constructor(private readonly options: FakeStripeOptions) {
    this.now = options.now ?? Date.now;
    this.live = new FakeStripeAccount({ livemode: true, now: this.now });
    this.test = new FakeStripeAccount({
      livemode: false,
      now: this.now,
      generatedCustomers: options.generatedCustomers ?? 0,
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) =>
      this.server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", resolve),
    );
    const { address, port } = this.server.address() as AddressInfo;
    this.url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
    return this;
  }

  /** The next `times` requests whose path starts with `path` fail with `fault`. */
  inject(fault: Fault, options: { times?: number; path?: string } = {}): void {
    this.faults.push({ fault, times: options.times ?? 1, path: options.path ?? "/" });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** POSTs an event to a webhook endpoint, signed as Stripe signs it, dated by our clock. */
  sendWebhook(url: string, secret: string, event: Stripe.Event): Promise<number> {
    return postWebhook(url, signedWebhook(event, secret, Math.floor(this.now() / 1000)));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const key = req.headers["idempotency-key"];
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      params: parseParams(method === "POST" ? await readBody(req) : url.search.slice(1)),
      idempotencyKey: typeof key === "string" ? key : null,
      at: this.now(),
      status: 0,
    };
    this.requests.push(entry);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      res.writeHead(status, {
        "content-type": "application/json",
        "request-id": `req_${randomBytes(7).toString("hex")}`,
        "stripe-version": String(req.headers["stripe-version"] ?? STRIPE_API_VERSION),
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    const fault = this.takeFault(entry.path);
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "slow") await delay(fault.ms);
    if (fault?.kind === "rate_limit") {
      const error = new FakeStripeError(
        429,
        "invalid_request_error",
        "Too many requests hit the API too quickly.",
        "rate_limit",
      );
      const retryAfter = fault.retryAfterSeconds;
      send(
        429,
        error.body(),
        retryAfter === undefined ? {} : { "retry-after": String(retryAfter) },
      );
      return;
    }
    if (fault?.kind === "server_error") {
      const error = new FakeStripeError(
        fault.status ?? 500,
        "api_error",
        "An unknown error occurred.",
      );
      const should = fault.shouldRetry;
      send(
        error.status,
        error.body(),
        should === undefined ? {} : { "stripe-should-retry": String(should) },
      );
      return;
    }
    try {
      const account = this.accountOf(req.headers.authorization);
      const route = entry.method === "GET" ? routeOf(entry.path) : null;
      const write = entry.method === "POST" ? writeRouteOf(entry.path) : null;
      if (write) {
        this.write(account, entry, () => write.handler(account, entry.params, write.id), send);
        return;
      }
      if (!route) {
        throw new FakeStripeError(
          404,
          "invalid_request_error",
          `Unrecognized request URL (${entry.method}: ${entry.path}).`,
        );
      }
      send(200, route.handler(account, entry.params, route.id));
    } catch (error) {
      const refusal = asRefusal(error);
      send(refusal.status, refusal.body());
    }
  }

  /**
   * A write, once per idempotency key: a request with a key seen before gets the first
   * answer again (errors included, as Stripe does for 4xx), marked `idempotent-replayed`.
   */
  private write(
    account: FakeStripeAccount,
    entry: LoggedRequest,
    run: () => unknown,
    send: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): void {
    const scope =
      entry.idempotencyKey === null ? null : `${account.livemode}|${entry.idempotencyKey}`;
    const params = JSON.stringify(entry.params);
    const kept = scope === null ? undefined : this.answers.get(scope);
    if (kept) {
      if (kept.params !== params) {
        const error = new FakeStripeError(
          400,
          "idempotency_error",
          "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        );
        send(error.status, error.body());
        return;
      }
      send(kept.status, kept.body, { "idempotent-replayed": "true" });
      return;
    }
    let answer: { status: number; body: unknown };
    try {
      answer = { status: 200, body: run() };
    } catch (error) {
      const refusal = asRefusal(error);
      answer = { status: refusal.status, body: refusal.body() };
    }
    // A server error is not kept: the client may retry it under the same key.
    if (scope !== null && answer.status < 500) this.answers.set(scope, { ...answer, params });
    send(answer.status, answer.body);
  }

  /** The data a key opens: the key must be one of ours, its prefix says live or test. */
  private accountOf(authorization: string | undefined): FakeStripeAccount {
    const key = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    if (key === undefined) {
      throw new FakeStripeError(401, "invalid_request_error", "You did not provide an API key.");
    }
    const mode = /^(?:sk|rk)_(live|test)_/.exec(key)?.[1];
    if (!this.options.keys.includes(key) || mode === undefined) {
      throw new FakeStripeError(
        401,
        "invalid_request_error",
        `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`,
      );
    }
    return mode === "live" ? this.live : this.test;
  }

  private takeFault(path: string): Fault | undefined {
    const index = this.faults.findIndex((f) => path.startsWith(f.path));
    const found = this.faults[index];
    if (!found) return undefined;
    found.times -= 1;
    if (found.times <= 0) this.faults.splice(index, 1);
    return found.fault;
  }
}

/** A bug of the fake shows as Stripe shows its own: a 500 api_error. */
function asRefusal(error: unknown): FakeStripeError {
  return error instanceof FakeStripeError
    ? error
    : new FakeStripeError(500, "api_error", `The fake failed: ${String(error)}`);
}

export function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  return new FakeStripe(options).listen();
}

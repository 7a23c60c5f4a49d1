import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { ApiEvent } from "../../src/contract/event.js";
import { widgetTexts } from "../../src/contract/widget-texts.js";
import { startTestServer, type TestServer, type TestServerOptions } from "./server.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const WIDGET_FILE = `${ROOT}dist/widget/barecancel.js`;
/** The offer step, which the widget loads for accounts with offers. */
export const OFFER_STEP_FILE = `${ROOT}dist/widget/barecancel-offer.js`;

/** Builds the widget when dist/ is missing or older than its sources (plain `vitest run`). */
export function ensureWidgetBuilt(): void {
  const built = Math.min(
    ...[WIDGET_FILE, OFFER_STEP_FILE].map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)),
  );
  const dir = `${ROOT}src/widget/`;
  const newest = Math.max(...readdirSync(dir).map((f) => statSync(dir + f).mtimeMs));
  if (newest > built)
    execFileSync(process.execPath, [`${ROOT}bin/build-widget.js`], { stdio: "ignore" });
}

async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return (await import("@sparticuz/chromium")).default.executablePath();
}

/** One headless Chromium per test file; each test takes a fresh context from it. */
export async function launchBrowser(): Promise<Browser> {
  ensureWidgetBuilt();
  return chromium.launch({
    executablePath: await chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface Hit {
  method: string;
  /** Path with query string. */
  url: string;
  body: string;
  at: number;
}

/**
 * The customer's site: a different origin (localhost) from the widget server (127.0.0.1),
 * as in production. Paths without a page answer "landed" and are recorded, so a test can
 * see where a link went and what a form sent.
 */
export interface HostSite {
  origin: string;
  page(path: string, html: string, headers?: Record<string, string>): string;
  hits: Hit[];
  waitForHit(pathPrefix: string, timeoutMs?: number): Promise<Hit>;
  close(): Promise<void>;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => resolve(body));
  });
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Stops a server now, open keep-alive and hanging connections included. */
export function track(server: Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

export async function startHostSite(): Promise<HostSite> {
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const hits: Hit[] = [];
  const waiters = new Set<() => void>();
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const page = pages.get(path);
    if (page) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...page.headers });
      res.end(page.html);
      return;
    }
    hits.push({ method: req.method ?? "GET", url: req.url ?? "/", body, at: Date.now() });
    for (const wake of waiters) wake();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><title>Landed</title><h1>Landed on ${path}</h1>`);
  });
  const close = track(server);
  const origin = `http://localhost:${await listen(server)}`;
  return {
    origin,
    hits,
    page(path, html, headers = {}) {
      pages.set(path, { html, headers });
      return origin + path;
    },
    waitForHit(prefix, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = hits.find((h) => h.url.startsWith(prefix));
          if (!hit) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no request to ${prefix} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close,
  };
}

/**
 * A stand-in for a broken widget server: it serves the real widget file, but its API
 * refuses connections ("down"), never answers ("slow"), or only fails the store call.
 */
export type BrokenMode = "down" | "slow" | "store-down" | "store-slow";

export const BROKEN_CONFIG = {
  account: { name: "Broken" },
  locale: "en",
  reasons: [
    { id: "rsn_a", text: "Too expensive" },
    { id: "rsn_b", text: "Missing features" },
  ],
  texts: widgetTexts("en").texts,
  brand: { color: "#4f46e5" },
  comment_max_length: 5000,
  offers: false,
};

export async function startBrokenWidgetServer(
  mode: BrokenMode,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/barecancel.js") {
      res.writeHead(200, { "content-type": "application/javascript" });
      res.end(readFileSync(WIDGET_FILE));
      return;
    }
    const cors = { "access-control-allow-origin": "*", "content-type": "application/json" };
    if (path === "/api/widget/config" && mode.startsWith("store")) {
      res.writeHead(200, cors);
      res.end(JSON.stringify(BROKEN_CONFIG));
      return;
    }
    if (mode.endsWith("down")) req.socket.destroy();
    // "slow": the request is left hanging until the server is closed.
  });
  const close = track(server);
  return { url: `http://127.0.0.1:${await listen(server)}`, close };
}

/**
 * The snippet exactly as the setup page publishes it (DESIGN.md section 1), with `params`
 * as JavaScript source so tests can pass callbacks.
 */
export function snippet(publicUrl: string, params: string, nonce?: string): string {
  return `<script${nonce ? ` nonce="${nonce}"` : ""}>
!function(){if(window.barecancel&&window.barecancel.created){console.error("barecancel snippet included twice");return}
window.barecancel={created:true};var s=document.createElement("script");
s.src="${publicUrl}/barecancel.js";s.async=true;document.head.appendChild(s)}();
window.barecancel.params = ${params};
</script>`;
}

/**
 * Params as JavaScript source: the given values, plus callbacks that report to the test
 * through `page.exposeFunction` (see `recordCallbacks`), which survives navigations.
 */
export function paramsSource(values: Record<string, unknown>, callbacks = true): string {
  const json = JSON.stringify(values);
  if (!callbacks) return json;
  return `${json.slice(0, -1)},
  callback_send: function (data) { return window.__bcSend(data); },
  callback_saved: function (data) { return window.__bcSaved(data); },
  callback_error: function (err) { return window.__bcError(err); }
}`;
}

export function htmlPage(body: string, title = "Account settings"): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

export interface Callbacks {
  sent: Record<string, unknown>[];
  saved: Record<string, unknown>[];
  errors: { code: string; message: string; details?: unknown }[];
}

export async function recordCallbacks(page: Page): Promise<Callbacks> {
  const calls: Callbacks = { sent: [], saved: [], errors: [] };
  await page.exposeFunction("__bcSend", (data: Record<string, unknown>) => {
    calls.sent.push(data);
  });
  await page.exposeFunction("__bcSaved", (data: Record<string, unknown>) => {
    calls.saved.push(data);
  });
  await page.exposeFunction("__bcError", (err: Callbacks["errors"][number]) => {
    calls.errors.push(err);
  });
  return calls;
}

/** Polls until `check` returns something truthy. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The widget's dialog, found through its open shadow root. */
export function modal(page: Page) {
  return page.getByRole("dialog");
}

/** Where focus is: the page element, or inside the widget's shadow root. */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    const inner = active?.shadowRoot?.activeElement;
    const el = inner ?? active;
    if (!el) return "";
    const label =
      el.getAttribute("aria-label") ||
      (el as HTMLInputElement).labels?.[0]?.textContent ||
      el.textContent ||
      "";
    return `${inner ? "modal:" : ""}${el.localName}:${label.trim()}`;
  });
}

export interface WidgetConfig {
  reasons: { id: string; text: string }[];
  texts: Record<string, string>;
}

export interface WidgetEnv {
  browser: Browser;
  /** The real server; absent when set up with `server: false`. */
  server: TestServer;
  site: HostSite;
  config: WidgetConfig;
  page: Page;
  context: BrowserContext;
  /** A customer id no other test uses, so each test finds its own events. */
  customer(): string;
  /** The events of one customer, once there are at least `count`. */
  eventsOf(customerOid: string, count?: number): Promise<ApiEvent[]>;
}

/** The usual fixture: a browser, the real server, a host site; a fresh page per test. */
export function setupWidgetTests(options: { server?: TestServerOptions | false } = {}): WidgetEnv {
  const env = {} as WidgetEnv;
  let n = 0;
  beforeAll(async () => {
    ensureWidgetBuilt();
    const server = options.server === false ? undefined : startTestServer(options.server);
    [env.browser, env.site, env.server] = (await Promise.all([
      launchBrowser(),
      startHostSite(),
      server,
    ])) as [Browser, HostSite, TestServer];
    if (!server) return;
    const res = await fetch(
      `${env.server.url}/api/widget/config?access_token_id=${env.server.accessTokenId}`,
    );
    env.config = (await res.json()) as WidgetConfig;
  });
  afterAll(async () => {
    await Promise.all([env.browser?.close(), env.server?.close(), env.site?.close()]);
  });
  beforeEach(async () => {
    env.context = await env.browser.newContext();
    env.page = await env.context.newPage();
  });
  afterEach(async () => {
    await env.context?.close();
  });
  env.customer = () => `cus_${process.pid}_${++n}`;
  env.eventsOf = async (customerOid, count = 1) =>
    waitFor(async () => {
      const events = (await env.server.storedEvents()).filter(
        (e) => e.customer_oid === customerOid,
      );
      return events.length >= count ? events : null;
    }, `${count} event(s) of ${customerOid}`);
  return env;
}

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  Locator,
  Page,
} from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { Role } from "../../src/db/schema.js";
import { createUser, PASSWORD } from "../helpers/auth.js";
import { launchBrowser } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const INDEX = `${ROOT}dist/dashboard/index.html`;
const SHOTS = `${ROOT}test-results/screenshots`;

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
  }
  return newest;
}

const stale = () =>
  (existsSync(INDEX) ? statSync(INDEX).mtimeMs : 0) < newestIn(`${ROOT}src/dashboard`);

/**
 * Builds the dashboard when dist/dashboard is missing or older than its sources (plain
 * `vitest run`). Test files start at once: one builds while the others wait for it.
 */
export function ensureDashboardBuilt(): void {
  const lock = `${ROOT}dist/.dashboard-build-lock`;
  mkdirSync(`${ROOT}dist`, { recursive: true });
  const until = Date.now() + 120_000;
  while (stale()) {
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building; a lock older than a build can take is left over.
      const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > until) throw new Error("the dashboard build did not finish");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    try {
      if (stale())
        execFileSync(process.execPath, [`${ROOT}bin/build-dashboard.js`], { stdio: "ignore" });
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** The real app on a port chosen beforehand, so PUBLIC_URL (and the snippet) names it. */
export async function startDashboardServer(env: Record<string, string> = {}): Promise<TestServer> {
  ensureDashboardBuilt();
  const port = await freePort();
  return startTestServer({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ...env } });
}

export interface DashboardEnv {
  browser: Browser;
  server: TestServer;
  /** Contexts opened by `newPage`, closed after each test. */
  contexts: BrowserContext[];
  /** Messages the browser logged about the Content Security Policy. */
  cspViolations: string[];
}

/** A browser and a server per file (its config from `serverEnv`); every test takes fresh contexts. */
export function setupDashboardTests(serverEnv: Record<string, string> = {}): DashboardEnv {
  const env = { contexts: [], cspViolations: [] } as unknown as DashboardEnv;
  beforeAll(async () => {
    [env.browser, env.server] = await Promise.all([
      launchBrowser(),
      startDashboardServer(serverEnv),
    ]);
  });
  afterEach(async () => {
    await Promise.all(env.contexts.splice(0).map((c) => c.close()));
    const violations = env.cspViolations.splice(0);
    expect(violations, "Content Security Policy violations").toEqual([]);
  });
  afterAll(async () => {
    await Promise.all([env.browser?.close(), env.server?.close()]);
  });
  return env;
}

export async function newPage(
  env: DashboardEnv,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await env.browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "en-US",
    timezoneId: "UTC",
    ...options,
  });
  env.contexts.push(context);
  const page = await context.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) env.cspViolations.push(message.text());
  });
  return { context, page };
}

let users = 0;

/**
 * A user who owns the server's account (or is a member of it, with `role`), signed in through
 * the API (the cookie lands in the context).
 */
export async function signedInPage(
  env: DashboardEnv,
  options: BrowserContextOptions = {},
  role: Role = "owner",
): Promise<{ context: BrowserContext; page: Page; email: string }> {
  const email = `${role}${++users}-${process.pid}@example.com`;
  await createUser(env.server, email, { accounts: [[env.server.accountId, role]] });
  const { context, page } = await newPage(env, options);
  const response = await context.request.post(`${env.server.url}/api/auth/login`, {
    data: { email, password: PASSWORD },
  });
  expect(response.status()).toBe(200);
  return { context, page, email };
}

export function accountUrl(env: DashboardEnv, page: string, query = ""): string {
  return `${env.server.url}/accounts/${env.server.accountId}/${page}${query}`;
}

/**
 * A full-page screenshot in test-results/screenshots, to look at after the run; or of
 * `part` only, for a part of a long page.
 */
export async function screenshot(page: Page, name: string, part?: Locator): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  if (part) {
    await part.screenshot({ path: `${SHOTS}/${name}.png` });
    return;
  }
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  // Long lists are cut after a few screens: enough to judge the page.
  await page.screenshot({
    path: `${SHOTS}/${name}.png`,
    fullPage: true,
    clip: { x: 0, y: 0, width: size.width, height: Math.min(height, size.height * 3) },
  });
}

const AXE = readFileSync(`${ROOT}node_modules/axe-core/axe.min.js`, "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page. Evaluated through the DevTools protocol, so the page's CSP
 * (which rightly forbids inline scripts) does not stop it.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
    );
}

/** Looks at a page as a person and a screen reader would: a screenshot, then axe. */
export async function inspect(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousA11yViolations(page), `axe on ${name}`).toEqual([]);
}

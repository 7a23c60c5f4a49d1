import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BROKEN_CONFIG,
  type BrokenMode,
  type Callbacks,
  htmlPage,
  modal,
  recordCallbacks,
  setupWidgetTests,
  snippet,
  startBrokenWidgetServer,
  waitFor,
} from "../helpers/browser.js";

// No real server here: the widget talks to servers that are down or never answer.
const env = setupWidgetTests({ server: false });
const servers = {} as Record<BrokenMode, { url: string; close(): Promise<void> }>;
const modes: BrokenMode[] = ["down", "slow", "store-down", "store-slow"];

beforeAll(async () => {
  for (const mode of modes) servers[mode] = await startBrokenWidgetServer(mode);
});
afterAll(async () => {
  await Promise.all(modes.map((mode) => servers[mode]?.close()));
});

/**
 * The promise: the cancel goes on within 3 s of the customer's click. Timed by the page's
 * own clock, from the click's timestamp to the start of the navigation it led to (or the
 * call of callback_send, for a plain button): what the test harness takes to click and to
 * see the result is not the customer's wait and is not counted. A busy machine still delays
 * the widget's own timers; the 3 s leave room for that, as the widget gives up on the config
 * after 2 s and on the store after 2.3 s. Slowest seen, two copies of the tests running on
 * a 2-core machine already at load 12: 2.53 s (a store that never answers).
 */
const BUDGET_MS = 3000;

/** Notes the customer's last click (not the widget's replay of it), kept across navigation. */
async function recordClicks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    addEventListener(
      "click",
      (e) => {
        if (e.isTrusted) sessionStorage.clickedAt = String(performance.timeOrigin + e.timeStamp);
      },
      true,
    );
  });
}

/** Milliseconds from the last click to the start of the navigation to the page now shown. */
const navigatedAfterClick = (page: Page) =>
  page.evaluate(() => performance.timeOrigin - Number(sessionStorage.clickedAt));

/** Milliseconds from the last click to the call of callback_send (see `params`). */
const calledBackAfterClick = (page: Page) =>
  page.evaluate(() => Number(sessionStorage.sentAt) - Number(sessionStorage.clickedAt));

/** The site's params, callback_send noting in the page when it was called. */
const params = `{ access_token_id: "tok_x", customer_oid: "cus_1",
  callback_send: function (data) {
    sessionStorage.sentAt = String(performance.timeOrigin + performance.now());
    return window.__bcSend(data);
  },
  callback_error: function (err) { return window.__bcError(err); } }`;

interface TriggerKind {
  name: string;
  body: string;
  click(page: Page): Promise<void>;
  /** Resolves with the milliseconds from the click to the cancel going on, in the page. */
  done(page: Page, calls: Callbacks): Promise<number>;
}

async function landedAfterClick(page: Page, path: string): Promise<number> {
  await env.site.waitForHit(path);
  await page.waitForURL((url) => url.pathname + url.search === path);
  return navigatedAfterClick(page);
}

const kinds: TriggerKind[] = [
  {
    name: "link",
    body: `<a id="barecancel-trigger" href="/gone?via=link">Cancel</a>`,
    click: (page) => page.getByRole("link", { name: "Cancel" }).click(),
    done: (page) => landedAfterClick(page, "/gone?via=link"),
  },
  {
    name: "form",
    body: `<form id="barecancel-trigger" action="/gone?via=form" method="post">
      <input type="hidden" name="plan" value="pro"><button>Cancel</button></form>`,
    click: (page) => page.getByRole("button", { name: "Cancel" }).click(),
    done: (page) => landedAfterClick(page, "/gone?via=form"),
  },
  {
    name: "callback",
    body: `<button id="barecancel-trigger">Cancel</button>`,
    click: (page) => page.getByRole("button", { name: "Cancel" }).click(),
    done: async (page, calls) => {
      await waitFor(() => calls.sent.length, "callback_send", 5000);
      return calledBackAfterClick(page);
    },
  },
];

async function openPage(page: Page, mode: BrokenMode, body: string) {
  const calls = await recordCallbacks(page);
  await recordClicks(page);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const url = env.site.page(
    `/r-${mode}-${Math.random()}`,
    htmlPage(body + snippet(servers[mode].url, params)),
  );
  await page.goto(url);
  return { calls, pageErrors: errors };
}

describe("a widget server that is down or hangs never blocks the cancel", () => {
  const table = (["down", "slow"] as const).flatMap((mode) =>
    kinds.map((kind) => ({ mode, kind })),
  );

  it.each(table)("config $mode, $kind.name trigger: goes on within 3 s", async ({ mode, kind }) => {
    const { page, site } = env;
    site.hits.length = 0;
    const { calls, pageErrors } = await openPage(page, mode, kind.body);
    await kind.click(page);
    const wentOn = await kind.done(page, calls);
    console.info(`config ${mode}, ${kind.name}: went on ${wentOn.toFixed(0)} ms after the click`);
    expect(wentOn).toBeLessThan(BUDGET_MS);
    expect(await modal(page).count()).toBe(0);
    expect(calls.errors[0]).toMatchObject({
      code: mode === "down" ? "config_failed" : "timeout",
      message: expect.any(String),
    });
    expect(calls.sent).toEqual([
      expect.objectContaining({ event_id: null, customer_oid: "cus_1" }),
    ]);
    expect(pageErrors).toEqual([]);
  });

  it.each(["store-down", "store-slow"] as const)(
    "%s: the cancel goes on within 3 s all the same",
    async (mode) => {
      const { page, site } = env;
      site.hits.length = 0;
      const { calls, pageErrors } = await openPage(page, mode, kinds[0]?.body ?? "");
      await page.getByRole("link", { name: "Cancel" }).click();
      await page.getByRole("radio", { name: "Missing features" }).check();
      await page.getByRole("button", { name: BROKEN_CONFIG.texts.submit }).click();
      const wentOn = await landedAfterClick(page, "/gone?via=link");
      console.info(`${mode}: went on ${wentOn.toFixed(0)} ms after the click`);
      expect(wentOn).toBeLessThan(BUDGET_MS);
      expect(calls.errors[0]).toMatchObject({
        code: mode === "store-down" ? "store_failed" : "timeout",
        message: expect.any(String),
      });
      expect(calls.sent).toEqual([
        expect.objectContaining({ event_id: null, reason_id: "rsn_b", reason: "Missing features" }),
      ]);
      expect(pageErrors).toEqual([]);
    },
  );
});

describe("a widget server stopped after the page loaded", () => {
  it.each([
    { before: "the config arrived", mode: "down" as const, code: "config_failed" },
    { before: "the answer was sent", mode: "store-down" as const, code: "store_failed" },
  ])("stopped before $before: the cancel goes on within 3 s", async ({ mode, code }) => {
    const { page, site } = env;
    site.hits.length = 0;
    const server = await startBrokenWidgetServer(mode);
    const calls = await recordCallbacks(page);
    await recordClicks(page);
    const body = `<a id="barecancel-trigger" href="/gone?via=stopped">Cancel</a>`;
    const configDone =
      mode === "store-down"
        ? page.waitForEvent("requestfinished", (r) => r.url().includes("/config"))
        : null;
    await page.goto(site.page(`/stopped-${mode}`, htmlPage(body + snippet(server.url, params))));
    await configDone;
    // Now the port is closed: connections are refused, as with a server that went away.
    await server.close();
    await page.getByRole("link", { name: "Cancel" }).click();
    if (mode === "store-down") {
      await page.getByRole("radio", { name: "Too expensive" }).check();
      await page.getByRole("button", { name: BROKEN_CONFIG.texts.submit }).click();
    }
    const wentOn = await landedAfterClick(page, "/gone?via=stopped");
    console.info(`${mode}: went on ${wentOn.toFixed(0)} ms after the click`);
    expect(wentOn).toBeLessThan(BUDGET_MS);
    expect(calls.errors[0]).toMatchObject({ code, message: expect.any(String) });
    expect(calls.sent).toEqual([expect.objectContaining({ event_id: null })]);
  });
});

describe("mistakes of the site never block the cancel", () => {
  it("invalid params: the action goes on untouched and callback_error says why", async () => {
    const { page, site } = env;
    const calls = await recordCallbacks(page);
    const params = `{ access_token_id: "tok_x",
      callback_error: function (e) { return window.__bcError(e); } }`;
    await page.goto(
      site.page(
        "/invalid",
        htmlPage(
          `<a id="barecancel-trigger" href="/gone?via=invalid">Cancel</a>${snippet(servers.down.url, params)}`,
        ),
      ),
    );
    await page.getByRole("link", { name: "Cancel" }).click();
    await site.waitForHit("/gone?via=invalid");
    expect(calls.errors).toEqual([
      expect.objectContaining({ code: "invalid_params", details: { field: "customer_oid" } }),
    ]);
  });

  it("callbacks that throw or reject never reach the page, and the cancel goes on", async () => {
    const { page, site } = env;
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const calls = await recordCallbacks(page);
    // A button, not a link: reports sent to the test just before a navigation may be lost.
    const params = `{ access_token_id: "tok_x", customer_oid: "cus_1",
      callback_send: function () { return Promise.reject(new Error("site bug")); },
      callback_error: function (e) { window.__bcError(e); throw new Error("another site bug"); } }`;
    const body = `<button id="barecancel-trigger" onclick="window.cancelled = true">Cancel</button>`;
    await page.goto(
      site.page("/throwing", htmlPage(body + snippet(servers["store-down"].url, params))),
    );
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("radio", { name: "Too expensive" }).check();
    await page.getByRole("button", { name: BROKEN_CONFIG.texts.submit }).click();
    await page.waitForFunction(() => (window as unknown as { cancelled?: boolean }).cancelled);
    await waitFor(() => calls.errors.length === 2, "two errors");
    expect(calls.errors.map((e) => e.code)).toEqual(["store_failed", "callback_failed"]);
    expect(calls.errors[1]?.message).toContain("site bug");
    expect(pageErrors).toEqual([]);
  });
});

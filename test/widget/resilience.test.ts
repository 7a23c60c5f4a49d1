import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BROKEN_CONFIG,
  type BrokenMode,
  type Callbacks,
  htmlPage,
  modal,
  paramsSource,
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

const BUDGET_MS = 3000;

interface TriggerKind {
  name: string;
  body: string;
  click(page: Page): Promise<void>;
  /** Resolves with the time the cancel went on. */
  done(page: Page, calls: Callbacks): Promise<number>;
}

const kinds: TriggerKind[] = [
  {
    name: "link",
    body: `<a id="barecancel-trigger" href="/gone?via=link">Cancel</a>`,
    click: (page) => page.getByRole("link", { name: "Cancel" }).click(),
    done: async () => (await env.site.waitForHit("/gone?via=link")).at,
  },
  {
    name: "form",
    body: `<form id="barecancel-trigger" action="/gone?via=form" method="post">
      <input type="hidden" name="plan" value="pro"><button>Cancel</button></form>`,
    click: (page) => page.getByRole("button", { name: "Cancel" }).click(),
    done: async () => (await env.site.waitForHit("/gone?via=form")).at,
  },
  {
    name: "callback",
    body: `<button id="barecancel-trigger">Cancel</button>`,
    click: (page) => page.getByRole("button", { name: "Cancel" }).click(),
    done: async (_page, calls) => {
      await waitFor(() => calls.sent.length, "callback_send", 5000);
      return Date.now();
    },
  },
];

async function openPage(page: Page, mode: BrokenMode, body: string, extra = {}) {
  const calls = await recordCallbacks(page);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const params = paramsSource({ access_token_id: "tok_x", customer_oid: "cus_1", ...extra });
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
    const clicked = Date.now();
    await kind.click(page);
    const wentOn = await kind.done(page, calls);
    console.info(`config ${mode}, ${kind.name}: went on ${wentOn - clicked} ms after the click`);
    expect(wentOn - clicked).toBeLessThan(BUDGET_MS);
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
      const clicked = Date.now();
      await page.getByRole("button", { name: BROKEN_CONFIG.texts.submit }).click();
      const hit = await site.waitForHit("/gone?via=link");
      console.info(`${mode}: went on ${hit.at - clicked} ms after the click`);
      expect(hit.at - clicked).toBeLessThan(BUDGET_MS);
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
    const params = paramsSource({ access_token_id: "tok_x", customer_oid: "cus_1" });
    const body = `<a id="barecancel-trigger" href="/gone?via=stopped">Cancel</a>`;
    const configDone =
      mode === "store-down"
        ? page.waitForEvent("requestfinished", (r) => r.url().includes("/config"))
        : null;
    await page.goto(site.page(`/stopped-${mode}`, htmlPage(body + snippet(server.url, params))));
    await configDone;
    // Now the port is closed: connections are refused, as with a server that went away.
    await server.close();
    const clicked = Date.now();
    await page.getByRole("link", { name: "Cancel" }).click();
    if (mode === "store-down") {
      await page.getByRole("radio", { name: "Too expensive" }).check();
      await page.getByRole("button", { name: BROKEN_CONFIG.texts.submit }).click();
    }
    const hit = await site.waitForHit("/gone?via=stopped");
    console.info(`${mode}: went on ${hit.at - clicked} ms after the click`);
    expect(hit.at - clicked).toBeLessThan(BUDGET_MS);
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

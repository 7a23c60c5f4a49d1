import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../src/db/ids.js";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { createEmbedTokensRepository } from "../../src/db/repositories/embed-tokens.js";
import {
  type Callbacks,
  htmlPage,
  modal,
  paramsSource,
  recordCallbacks,
  setupWidgetTests,
  snippet,
  waitFor,
} from "../helpers/browser.js";
import { testSecrets } from "../helpers/secrets.js";
import { type IngestFault, startWidgetProxy, type WidgetProxy } from "../helpers/widget-proxy.js";

// The real server, reached through a proxy that can go down and come back on the same port.
const env = setupWidgetTests();
let proxy: WidgetProxy;

beforeAll(async () => {
  proxy = await startWidgetProxy(env.server.url);
});
afterAll(() => proxy?.stop());
beforeEach(async () => {
  env.site.hits.length = 0;
  proxy.ingest = "pass";
  await proxy.start();
});

const BUDGET_MS = 3000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** An answer the widget keeps in the host page's localStorage, as it keeps it. */
interface Kept {
  at: number;
  body: Record<string, unknown> & { idempotency_key: string };
}

/** Where the widget keeps answers for the server at `server`. */
const slot = (server = proxy.url) => `barecancel:${server}`;

const reason = () => env.config.reasons[0] as { id: string; text: string };

function keptAnswer(customer: string, at: number, fields: Record<string, unknown> = {}): Kept {
  return {
    at,
    body: {
      access_token_id: env.server.accessTokenId,
      customer_oid: customer,
      subscription_oids: [],
      test_mode: false,
      locale: "en",
      idempotency_key: newId("key"),
      kind: "answer",
      reason_id: reason().id,
      comment: "kept",
      ...fields,
    },
  };
}

function kept(page: Page, name = slot()): Promise<Kept[] | null> {
  return page.evaluate((n) => JSON.parse(localStorage.getItem(n) ?? "null"), name);
}

/** Seeds the host site's localStorage from one of its pages without the widget. */
async function keep(page: Page, slots: Record<string, Kept[]>): Promise<void> {
  await page.goto(env.site.page("/blank", htmlPage("")));
  await page.evaluate((s) => {
    for (const [name, list] of Object.entries(s)) localStorage.setItem(name, JSON.stringify(list));
  }, slots);
}

/** A page with a cancel link and the widget from the proxy; `path` names it and its link. */
function cancelPage(customer: string, path: string, token = env.server.accessTokenId): string {
  const params = paramsSource({ access_token_id: token, customer_oid: customer });
  const body = `<a id="barecancel-trigger" href="/gone${path}">Cancel</a>`;
  return env.site.page(path, htmlPage(body + snippet(proxy.url, params)));
}

/** Loads the page and waits for the widget's config, so only the store call is left. */
async function load(page: Page, url: string): Promise<void> {
  const config = page.waitForEvent("requestfinished", (r) => r.url().includes("/widget/config"));
  await page.goto(url);
  await config;
}

/** Answers on the open page; resolves when the answer was given and when the cancel went on. */
async function answer(page: Page, path: string): Promise<{ answeredFrom: number; wentOn: number }> {
  await page.getByRole("link", { name: "Cancel" }).click();
  await page.getByRole("radio", { name: reason().text, exact: true }).check();
  const answeredFrom = Date.now();
  await page.getByRole("button", { name: env.config.texts.submit }).click();
  const wentOn = (await env.site.waitForHit(`/gone${path}`)).at;
  await page.waitForURL((u) => u.pathname === `/gone${path}`);
  return { answeredFrom, wentOn };
}

async function eventsOfAccount(accountId: string, customer: string) {
  return env.server.database.db
    .selectFrom("events")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("customer_oid", "=", customer)
    .execute();
}

const sentWithKey = (key: string) => proxy.posts.filter((p) => p.idempotency_key === key);

describe("an answer the server could not store is kept and sent on a later page load", () => {
  it("server stopped: the cancel goes on, and the next page load stores the answer once, at the time it was given", async () => {
    const { page } = env;
    const customer = env.customer();
    const calls = await recordCallbacks(page);
    const url = cancelPage(customer, "/stopped");
    await load(page, url);
    await proxy.stop();

    const { answeredFrom, wentOn } = await answer(page, "/stopped");
    expect(wentOn - answeredFrom).toBeLessThan(BUDGET_MS);
    expect(calls.errors).toEqual([expect.objectContaining({ code: "store_failed" })]);
    // The cancel landed on the same site: its storage is the one the widget wrote.
    const [entry, ...more] = await waitFor(() => kept(page), "the kept answer");
    expect(more).toEqual([]);
    expect(entry?.body).toMatchObject({ customer_oid: customer, reason_id: reason().id });
    const key = entry?.body.idempotency_key as string;

    await proxy.start();
    // A gap the stored time must not take in: the answer counts when it was given.
    await new Promise((r) => setTimeout(r, Math.max(0, wentOn + 4000 - Date.now())));
    const reloadedAt = Date.now();
    await page.goto(url);
    const [event] = await env.eventsOf(customer);
    const createdAt = Date.parse(event?.created_at ?? "");
    expect(createdAt).toBeGreaterThanOrEqual(answeredFrom - 1000);
    expect(createdAt).toBeLessThanOrEqual(wentOn + 1000);
    expect(reloadedAt - createdAt).toBeGreaterThan(2500);
    expect(event).toMatchObject({ reason_id: reason().id, kind: "answer" });
    await waitFor(async () => (await kept(page)) === null, "the kept answer to be removed");

    // Another page load with nothing kept: the next store call is the new answer's own.
    await load(page, url);
    await answer(page, "/stopped");
    expect(await env.eventsOf(customer, 2)).toHaveLength(2);
    expect(sentWithKey(key)).toHaveLength(1);
    expect(proxy.posts.at(-1)?.idempotency_key).not.toBe(key);
  });

  it.each([
    { fault: "hang" as IngestFault, code: "timeout" },
    { fault: 503 as IngestFault, code: "store_failed" },
    { fault: 429 as IngestFault, code: "store_failed" },
  ])("store call $fault: kept, then stored on the next page load", async ({ fault, code }) => {
    const { page } = env;
    const customer = env.customer();
    const calls = await recordCallbacks(page);
    const url = cancelPage(customer, `/fault-${fault}`);
    await load(page, url);
    proxy.ingest = fault;
    const { answeredFrom, wentOn } = await answer(page, `/fault-${fault}`);
    expect(wentOn - answeredFrom).toBeLessThan(BUDGET_MS);
    expect(calls.errors[0]).toMatchObject({ code });
    const [entry] = await waitFor(() => kept(page), "the kept answer");

    proxy.ingest = "pass";
    await page.goto(url);
    const [event] = await env.eventsOf(customer);
    expect(Date.parse(event?.created_at ?? "")).toBeLessThanOrEqual(wentOn + 1000);
    await waitFor(async () => (await kept(page)) === null, "the kept answer to be removed");
    expect(await env.eventsOf(customer)).toHaveLength(1);
    expect(sentWithKey(entry?.body.idempotency_key as string)).toHaveLength(1);
  });

  it("an answer refused for good (the token was revoked meanwhile) is not kept", async () => {
    const { page, server } = env;
    const tokens = createEmbedTokensRepository(server.database.db);
    const token = await tokens.create(server.accountId, "revoked while the page is open");
    const calls = await recordCallbacks(page);
    await load(page, cancelPage(env.customer(), "/revoked", token));
    await tokens.revoke(server.accountId, token);
    await answer(page, "/revoked");
    expect(calls.errors[0]).toMatchObject({
      code: "store_failed",
      details: expect.objectContaining({ status: 403 }),
    });
    expect(await kept(page)).toBeNull();
  });

  it("a dismissal the server could not store is kept too (dismissals are counted)", async () => {
    const { page } = env;
    const customer = env.customer();
    const calls = await recordCallbacks(page);
    await load(page, cancelPage(customer, "/dismissed"));
    await proxy.stop();
    await page.getByRole("link", { name: "Cancel" }).click();
    await page.keyboard.press("Escape");
    await modal(page).waitFor({ state: "detached" });
    await waitFor(() => calls.errors.length, "the failed store call");
    const [entry] = (await kept(page)) ?? [];
    expect(entry?.body).toMatchObject({ kind: "dismissal", customer_oid: customer });
    await proxy.start();
    await page.reload();
    expect(await env.eventsOf(customer)).toEqual([expect.objectContaining({ kind: "dismissal" })]);
  });
});

describe("what is kept, and where it goes", () => {
  it("a kept answer goes only to its own server, with the token it was given with", async () => {
    const { page, server } = env;
    const other = await createAccountsRepository(server.database.db, {
      secrets: testSecrets,
    }).create("Other Co");
    const customer = env.customer();
    // A skip: the other account has reasons of its own.
    const ofOtherAccount = keptAnswer(customer, Date.now() - 10 * MINUTE, {
      access_token_id: other.accessTokenId,
      kind: "skip",
    });
    const ofOtherServer = keptAnswer(customer, Date.now() - MINUTE);
    const otherServer = slot("http://127.0.0.1:9");
    await keep(page, { [slot()]: [ofOtherAccount], [otherServer]: [ofOtherServer] });
    await page.goto(cancelPage(env.customer(), "/own-server"));

    const [stored] = await waitFor(async () => {
      const rows = await eventsOfAccount(other.account.id, customer);
      return rows.length ? rows : null;
    }, "the other account's kept answer");
    expect(stored?.idempotency_key).toBe(ofOtherAccount.body.idempotency_key);
    expect(Math.abs(new Date(stored?.created_at ?? 0).getTime() - ofOtherAccount.at)).toBeLessThan(
      2000,
    );
    await waitFor(async () => (await kept(page)) === null, "the kept answer to be removed");
    expect(await kept(page, otherServer)).toEqual([ofOtherServer]);
    expect(sentWithKey(ofOtherServer.body.idempotency_key)).toEqual([]);
    expect(await eventsOfAccount(server.accountId, customer)).toEqual([]);
  });

  it("answers older than 7 days are dropped unsent", async () => {
    const { page } = env;
    const customer = env.customer();
    const old = keptAnswer(customer, Date.now() - 7 * DAY - MINUTE);
    const recent = keptAnswer(customer, Date.now() - 6 * DAY);
    await keep(page, { [slot()]: [old, recent] });
    await page.goto(cancelPage(env.customer(), "/aged"));
    const [event] = await env.eventsOf(customer);
    expect(Math.abs(Date.parse(event?.created_at ?? "") - recent.at)).toBeLessThan(2000);
    await waitFor(async () => (await kept(page)) === null, "the kept answers to be removed");
    expect(sentWithKey(old.body.idempotency_key)).toEqual([]);
    expect(await env.eventsOf(customer)).toHaveLength(1);
  });

  it("at most 10 answers are kept: the oldest is dropped first", async () => {
    const { page } = env;
    const customer = env.customer();
    const seeded = Array.from({ length: 10 }, (_, i) =>
      keptAnswer(customer, Date.now() - (20 - i) * MINUTE),
    );
    await keep(page, { [slot()]: seeded });
    proxy.ingest = 503;
    await recordCallbacks(page);
    await load(page, cancelPage(customer, "/full"));
    await answer(page, "/full");
    const list = (await kept(page)) ?? [];
    expect(list).toHaveLength(10);
    expect(list.slice(0, 9)).toEqual(seeded.slice(1));
    expect(list[9]?.body).toMatchObject({ customer_oid: customer, kind: "answer" });
  });

  it("two tabs loading at once store a kept answer once", async () => {
    const { page, context } = env;
    const customer = env.customer();
    const entry = keptAnswer(customer, Date.now() - MINUTE);
    await keep(page, { [slot()]: [entry] });
    const second = await context.newPage();
    const url = cancelPage(env.customer(), "/two-tabs");
    await Promise.all([page.goto(url), second.goto(url)]);
    await env.eventsOf(customer);
    // Both tabs done talking to the server: any second send has been answered.
    await Promise.all([page, second].map((p) => p.waitForLoadState("networkidle")));
    expect(await env.eventsOf(customer)).toHaveLength(1);
    expect(sentWithKey(entry.body.idempotency_key).length).toBeGreaterThanOrEqual(1);
  });
});

describe("storage that throws never breaks the widget", () => {
  const broken = {
    "storage denied (sandboxed iframe, blocked cookies)": () => {
      Object.defineProperty(window, "localStorage", {
        get() {
          throw new DOMException("The operation is insecure.", "SecurityError");
        },
      });
    },
    "storage full": () => {
      Storage.prototype.setItem = () => {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      };
    },
  };

  it.each(Object.entries(broken))("%s, server up: the answer is stored", async (_, breakIt) => {
    const { page } = env;
    const customer = env.customer();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.addInitScript(breakIt);
    const calls: Callbacks = await recordCallbacks(page);
    await load(page, cancelPage(customer, "/broken-up"));
    await answer(page, "/broken-up");
    expect(await env.eventsOf(customer)).toHaveLength(1);
    expect(calls.errors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it.each(Object.entries(broken))(
    "%s, server down: the cancel goes on within 3 s",
    async (_, breakIt) => {
      const { page } = env;
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.addInitScript(breakIt);
      const calls = await recordCallbacks(page);
      await load(page, cancelPage(env.customer(), "/broken-down"));
      await proxy.stop();
      const { answeredFrom, wentOn } = await answer(page, "/broken-down");
      expect(wentOn - answeredFrom).toBeLessThan(BUDGET_MS);
      expect(calls.errors).toEqual([expect.objectContaining({ code: "store_failed" })]);
      expect(pageErrors).toEqual([]);
    },
  );
});

import Fastify from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_OFFER_REASON } from "../../src/demo/demo-retention.js";
import type { toApiEvent } from "../../src/presenters/event.js";
import { demoRoutes } from "../../src/server/routes/demo.js";
import { ensureWidgetBuilt, launchBrowser, modal, waitFor } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

/**
 * The real app with the account's token for its /demo page, as `npm start` serves it. The
 * page must be on the server's own origin, so the usual host site is not used here.
 */
async function startDemoServer() {
  ensureWidgetBuilt();
  return startTestServer({ demoPage: true });
}

const env = {} as {
  browser: Browser;
  server: Awaited<ReturnType<typeof startDemoServer>>;
  config: { reasons: { id: string; text: string }[]; texts: Record<string, string> };
  context: BrowserContext;
  page: Page;
  eventsOf(customer: string, count: number): Promise<ReturnType<typeof toApiEvent>[]>;
};

beforeAll(async () => {
  [env.browser, env.server] = await Promise.all([launchBrowser(), startDemoServer()]);
  const res = await fetch(
    `${env.server.url}/api/widget/config?access_token_id=${env.server.accessTokenId}`,
  );
  env.config = await res.json();
});
afterAll(async () => {
  await Promise.all([env.browser?.close(), env.server?.close()]);
});
beforeEach(async () => {
  env.context = await env.browser.newContext();
  env.page = await env.context.newPage();
});
afterEach(async () => {
  await env.context?.close();
});
env.eventsOf = (customer, count) =>
  waitFor(async () => {
    const events = (await env.server.storedEvents()).filter((e) => e.customer_oid === customer);
    return events.length >= count ? events : null;
  }, `${count} demo event(s)`);

async function answer(page: Page, reasonIndex: number) {
  const reason = env.config.reasons[reasonIndex] as { id: string; text: string };
  await modal(page).waitFor();
  await page.getByRole("radio", { name: reason.text, exact: true }).check();
  await page.getByRole("textbox").fill(`demo ${reasonIndex}`);
  await page.getByRole("button", { name: env.config.texts.submit }).click();
  return reason;
}

async function demoEvents(count: number) {
  return env.eventsOf("cus_demo_123", count);
}

describe("the /demo page", () => {
  it("serves a settings page with the snippet pointing at its own origin", async () => {
    const res = await fetch(`${env.server.url}/demo`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`s.src="${env.server.url}/barecancel.js"`);
    expect(html).toContain(`access_token_id: "${env.server.accessTokenId}"`);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self' 'nonce-");
  });

  it("its three triggers work end to end", async () => {
    const { page, server } = env;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${server.url}/demo`);
    await page.getByRole("link", { name: "Cancel via link" }).click();
    const viaLink = await answer(page, 0);
    await page.waitForURL(`${server.url}/demo/cancelled?via=link`);
    expect(await page.locator("#via").textContent()).toBe("link");
    // A public page: test data unless the visitor says otherwise.
    expect((await demoEvents(1)).at(-1)).toMatchObject({
      reason_id: viaLink.id,
      comment: "demo 0",
      test_mode: true,
    });

    await page.goto(`${server.url}/demo`);
    await page.getByRole("button", { name: "Cancel via form" }).click();
    const viaForm = await answer(page, 1);
    await page.waitForURL(`${server.url}/demo/cancelled`);
    expect(await page.locator("#via").textContent()).toBe("form");
    expect((await demoEvents(2)).at(-1)).toMatchObject({ reason_id: viaForm.id });

    await page.goto(`${server.url}/demo`);
    await page.getByRole("checkbox", { name: /Store my answers as live data/ }).check();
    await page.getByRole("button", { name: "Cancel in this page" }).click();
    const viaButton = await answer(page, 2);
    await page.getByRole("status").filter({ hasText: "cancelled (demo)" }).waitFor();
    expect(await page.getByRole("status").textContent()).toContain(viaButton.text);
    expect((await demoEvents(3)).at(-1)).toMatchObject({
      reason_id: viaButton.id,
      subscription_oids: ["sub_demo_pro"],
      test_mode: false,
    });
    expect(errors).toEqual([]);
  });
});

describe("the /demo page without a browser", () => {
  async function bareApp(accessTokenId: string | null) {
    const app = Fastify();
    await app.register(demoRoutes, { accessTokenId });
    return app;
  }

  it("explains how to get a demo account when there is none, and embeds no snippet", async () => {
    const app = await bareApp(null);
    const res = await app.inject({ url: "/demo", headers: { host: "example.test" } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("No demo account");
    expect(res.body).toContain("start --demo");
    expect(res.body).not.toContain("barecancel.js");
    await app.close();
  });

  it("escapes what it echoes and what it embeds", async () => {
    const app = await bareApp('tok_"</script><b>');
    const page = await app.inject({ url: "/demo", headers: { host: "example.test" } });
    expect(page.body).toContain('access_token_id: "tok_\\"\\u003c/script\\u003e\\u003cb\\u003e"');
    expect(page.body).not.toContain("</script><b>");
    const posted = await app.inject({
      method: "POST",
      url: "/demo/cancelled",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "via=%3Cimg%20src%3Dx%3E",
    });
    expect(posted.body).toContain("&lt;img src=x&gt;");
    await app.close();
  });
});

describe("the /demo page's retention offer", () => {
  const at = {} as { server: TestServer };
  beforeAll(async () => {
    ensureWidgetBuilt();
    at.server = await startTestServer({ demoPage: true, demoOffers: 2 });
  }, 60_000);
  afterAll(() => at.server?.close());

  /** The customer and subscription a /demo load's widget speaks for. */
  async function visitor(html: string) {
    const customer = /customer_oid: "([^"]+)"/.exec(html)?.[1];
    const subscription = /subscription_oids: \["([^"]+)"\]/.exec(html)?.[1];
    expect(html).toMatch(/customer_oid_hash: "[0-9a-f]{64}"/);
    return { customer: customer ?? "", subscription: subscription ?? "" };
  }

  it("choosing the offer's reason shows it, and accepting applies it at the bundled fake Stripe; the next load speaks for another customer", async () => {
    const { server } = at;
    const fake = server.demoOffers?.fake;
    const page = env.page;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/demo`);
    const { customer, subscription } = await visitor(await page.content());
    expect(fake?.test.subscriptions.get(subscription)?.customer).toBe(customer);

    const config = await (
      await fetch(`${server.url}/api/widget/config?access_token_id=${server.accessTokenId}`)
    ).json();
    const texts = config.texts as Record<string, string>;
    await page.getByRole("button", { name: "Cancel in this page" }).click();
    await modal(page).waitFor();
    await page.getByRole("radio", { name: DEMO_OFFER_REASON, exact: true }).check();
    await modal(page).getByRole("button", { name: texts.submit, exact: true }).click();
    await modal(page).getByRole("heading", { name: "20% off your next 3 months" }).waitFor();
    await modal(page).getByRole("button", { name: texts.offer_accept, exact: true }).click();
    await modal(page).getByRole("heading", { name: texts.offer_saved }).waitFor();

    const discounts = fake?.test.subscriptions.get(subscription)?.discounts ?? [];
    expect(discounts).toHaveLength(1);
    const coupon = fake?.requests.find((r) => r.method === "POST" && r.path === "/v1/coupons");
    expect(coupon?.params).toMatchObject({ percent_off: "20", duration_in_months: "3" });
    expect(errors).toEqual([]);

    // The customer took their offer: the page moves on to the next one, never back to them.
    const next = await visitor(await (await fetch(`${server.url}/demo`)).text());
    expect(next.customer).not.toBe(customer);
    expect(await visitor(await (await fetch(`${server.url}/demo`)).text())).toEqual(next);
  });
});

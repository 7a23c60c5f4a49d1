import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { modal, setupWidgetTests } from "../helpers/browser.js";

// The server's own /demo page, on the server's origin, with the test account's token.
const env = setupWidgetTests();

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
    expect((await demoEvents(1)).at(-1)).toMatchObject({
      reason_id: viaLink.id,
      comment: "demo 0",
    });

    await page.goto(`${server.url}/demo`);
    await page.getByRole("button", { name: "Cancel via form" }).click();
    const viaForm = await answer(page, 1);
    await page.waitForURL(`${server.url}/demo/cancelled`);
    expect(await page.locator("#via").textContent()).toBe("form");
    expect((await demoEvents(2)).at(-1)).toMatchObject({ reason_id: viaForm.id });

    await page.goto(`${server.url}/demo`);
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

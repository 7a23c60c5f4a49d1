import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { htmlPage, startHostSite } from "../helpers/browser.js";
import { accountUrl, inspect, setupDashboardTests, signedInPage } from "./helpers.js";

const env = setupDashboardTests();

const activeTexts = (page: Page) => page.locator("ol.reasons .reason-text").allTextContents();
const previewTexts = (page: Page) => page.locator(".wp-reason").allTextContents();
const focusedLabel = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? "");

async function serverReasons(page: Page): Promise<{ text: string; archived: boolean }[]> {
  const response = await page.request.get(
    `${env.server.url}/api/accounts/${env.server.accountId}/reasons`,
  );
  return ((await response.json()) as { reasons: { text: string; archived: boolean }[] }).reasons;
}

describe("reasons", () => {
  it("adds, renames, reorders, archives and restores a reason, and the preview follows", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "reasons"));
    await page.locator("ol.reasons .reason-text").first().waitFor();
    expect(await previewTexts(page)).toEqual(await activeTexts(page));
    // The preview uses the widget's own texts, in the language picked.
    await page.getByText("Before you go…").waitFor();

    await page.getByLabel("New reason").fill("Too slow for us");
    await page.getByRole("button", { name: "Add reason" }).click();
    await expect.poll(async () => (await activeTexts(page)).at(-1)).toBe("Too slow for us");
    expect((await previewTexts(page)).at(-1)).toBe("Too slow for us");

    // Renaming: the preview shows the new text while it is typed, before it is saved.
    await page.getByRole("button", { name: "Rename “Too slow for us”" }).click();
    const input = page.getByLabel("New text for “Too slow for us”");
    await input.fill("Too slow on mobile");
    await expect.poll(async () => (await previewTexts(page)).at(-1)).toBe("Too slow on mobile");
    await input.press("Enter");
    await expect.poll(async () => (await activeTexts(page)).at(-1)).toBe("Too slow on mobile");
    expect((await serverReasons(page)).map((r) => r.text)).toContain("Too slow on mobile");
    // Focus goes back to the Rename button of the row.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Rename/);

    // Reordering from the keyboard; focus stays on the button pressed.
    const count = (await activeTexts(page)).length;
    const up = page.getByRole("button", { name: "Move “Too slow on mobile” up" });
    await up.focus();
    await page.keyboard.press("Enter");
    await expect
      .poll(async () => (await activeTexts(page)).indexOf("Too slow on mobile"))
      .toBe(count - 2);
    expect(await focusedLabel(page)).toBe("Move “Too slow on mobile” up");
    await page.keyboard.press("Enter");
    await expect
      .poll(async () => (await activeTexts(page)).indexOf("Too slow on mobile"))
      .toBe(count - 3);
    const order = await activeTexts(page);
    expect(await previewTexts(page)).toEqual(order);
    await expect
      .poll(async () => (await serverReasons(page)).filter((r) => !r.archived).map((r) => r.text))
      .toEqual(order);
    // The widget itself asks in the same order.
    const config = (await (
      await page.request.get(
        `${env.server.url}/api/widget/config?access_token_id=${env.server.accessTokenId}`,
      )
    ).json()) as { reasons: { text: string }[] };
    expect(config.reasons.map((r) => r.text)).toEqual(order);

    await page.getByRole("button", { name: "Archive “Too slow on mobile”" }).click();
    await expect
      .poll(async () => (await activeTexts(page)).includes("Too slow on mobile"))
      .toBe(false);
    expect(await previewTexts(page)).not.toContain("Too slow on mobile");
    const archived = page.locator(".reason-row.is-archived .reason-text");
    expect(await archived.allTextContents()).toEqual(["Too slow on mobile"]);
    await inspect(page, "reasons");

    await page.getByRole("button", { name: "Restore “Too slow on mobile”" }).click();
    await expect
      .poll(async () => (await previewTexts(page)).includes("Too slow on mobile"))
      .toBe(true);
    expect(await archived.count()).toBe(0);

    // Another language for the preview.
    await page.getByLabel("Language").selectOption("de");
    await page.getByText("Bevor Sie gehen…").waitFor();
  });
});

describe("setup", () => {
  it("copies the snippet; an answer on another site turns the install check green without reload", async () => {
    const { context, page } = await signedInPage(env, {
      permissions: ["clipboard-read", "clipboard-write"],
    });
    await page.goto(accountUrl(env, "setup"));
    const status = page.getByTestId("install-status");
    await status.getByText("Waiting for the first answer").waitFor();
    await page.evaluate(() => {
      (window as { sameDocument?: boolean }).sameDocument = true;
    });

    await page.getByRole("button", { name: "Copy snippet" }).click();
    await page.getByText("Copied").waitFor();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());
    expect(snippet).toContain(`${env.server.url}/barecancel.js`);
    expect(snippet).toContain(env.server.accessTokenId);
    expect(snippet).toBe(await page.getByRole("region", { name: "Embed snippet" }).textContent());
    await inspect(page, "setup");

    const site = await startHostSite();
    try {
      const html = htmlPage(
        `<a id="barecancel-trigger" href="/account/cancelled">Cancel my subscription</a>
${snippet.replace('"CUSTOMER_ID"', '"cus_install_check"')}`,
      );
      const customer = await context.newPage();
      await customer.goto(site.page("/account", html));
      await customer.getByRole("link", { name: "Cancel my subscription" }).click();
      const dialog = customer.getByRole("dialog");
      await dialog.getByRole("radio").first().check();
      await dialog.getByRole("button", { name: "Continue cancelling" }).click();
      await site.waitForHit("/account/cancelled");

      await status.getByText("Install verified").waitFor({ timeout: 10_000 });
      expect(await status.textContent()).toContain("cus_install_check");
      // The same page, never reloaded: the status changed by polling.
      expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(
        true,
      );
      await inspect(page, "setup-verified");
    } finally {
      await site.close();
    }
  });
});

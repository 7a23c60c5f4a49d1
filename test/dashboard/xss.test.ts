import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { postWidgetEvent } from "../helpers/api.js";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { htmlPage, paramsSource, snippet, startHostSite } from "../helpers/browser.js";
import { accountUrl, screenshot, setupDashboardTests, signedInPage } from "./helpers.js";

const env = setupDashboardTests();

/** Each runs script (sets window.__xss, or opens a dialog) if it is ever taken as markup or a link. */
const PAYLOADS = [
  `<img src=x onerror="window.__xss=1;alert(1)">`,
  "<script>window.__xss=1</script>",
  `"><svg onload=window.__xss=1>`,
  "javascript:window.__xss=1//",
  `' onmouseover='window.__xss=1' x='`,
];
const COMMENT = `${PAYLOADS.join(" ")} {{constructor.constructor('window.__xss=1')()}}`;
const CUSTOMER = `"><img src=x onerror=window.__xss=1>`;
const TITLE = `<iframe srcdoc="<script>parent.__xss=1</script>"></iframe> Before you go`;
const ACCOUNT = `<b onmouseover=alert(1)>Acme</b>`;

let owner: Client;

beforeAll(async () => {
  const { server } = env;
  await createUser(server, "xss-owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "xss-owner@example.com");
  const base = `/api/accounts/${server.accountId}`;
  const reasonIds: string[] = [];
  for (const text of PAYLOADS) {
    const created = await owner.request("POST", `${base}/reasons`, { text });
    expect(created.statusCode).toBe(201);
    reasonIds.push(created.json().reason.id);
  }
  expect((await owner.request("PATCH", base, { name: ACCOUNT })).statusCode).toBe(200);
  const texts = { en: { title: TITLE } };
  expect((await owner.request("PATCH", `${base}/widget-settings`, { texts })).statusCode).toBe(200);
  // Live answers, so the reasons count in Insights; the first is the install check on Setup.
  for (const [index, reasonId] of [reasonIds[0], ...reasonIds].entries()) {
    const stored = await postWidgetEvent(server, {
      access_token_id: server.accessTokenId,
      customer_oid: CUSTOMER,
      reason_id: reasonId,
      comment: COMMENT,
      idempotency_key: `xss-event-${index}`,
    });
    expect(stored.statusCode).toBe(201);
  }
});

/** Dialogs a page opened (alert, confirm, prompt): there must be none. */
function watchDialogs(page: Page): string[] {
  const opened: string[] = [];
  page.on("dialog", (dialog) => {
    opened.push(dialog.message());
    void dialog.dismiss();
  });
  return opened;
}

/**
 * Nothing ran, and no payload became an element or a link: in the page and in any open
 * shadow root (the widget's). Checked in the DOM as well as by effect, so markup that a CSP
 * happened to stop still fails.
 */
async function expectInert(page: Page, dialogs: string[]): Promise<void> {
  const found = await page.evaluate(() => {
    const roots: ParentNode[] = [document];
    for (const el of document.querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
    const injected = roots.flatMap((root) =>
      [
        ...root.querySelectorAll(
          "[onerror], [onload], [onmouseover], iframe, svg[onload], a[href^='javascript:' i]",
        ),
        ...[...root.querySelectorAll("script")].filter((s) => s.text.includes("__xss")),
      ].map((el) => el.outerHTML.slice(0, 100)),
    );
    return { xss: (window as { __xss?: unknown }).__xss, injected };
  });
  expect(found).toEqual({ xss: undefined, injected: [] });
  expect(dialogs).toEqual([]);
}

/** Each text shows, character for character, somewhere on the page. */
async function expectLiteral(page: Page, texts: string[]): Promise<void> {
  for (const text of texts) {
    await page.getByText(text, { exact: true }).filter({ visible: true }).first().waitFor();
  }
}

describe("markup in reason texts, comments, customer ids, words and names", () => {
  it("shows as text on every dashboard page and never runs", async () => {
    const { page } = await signedInPage(env);
    const dialogs = watchDialogs(page);

    await page.goto(accountUrl(env, "insights"));
    await expectLiteral(page, [...PAYLOADS, ACCOUNT]);
    await page.locator(".chart-canvas svg").first().waitFor();
    await expectInert(page, dialogs);
    await screenshot(page, "xss-insights");

    await page.goto(accountUrl(env, "comments"));
    const comment = page.locator(".comment").first();
    await comment.waitFor();
    expect(await comment.textContent()).toBe(COMMENT);
    await expectLiteral(page, [...PAYLOADS, CUSTOMER]);
    await expectInert(page, dialogs);
    await screenshot(page, "xss-comments");

    await page
      .getByRole("link", { name: `All events of customer ${CUSTOMER}` })
      .first()
      .click();
    await page.getByRole("heading", { level: 1, name: `Customer ${CUSTOMER}` }).waitFor();
    await page.locator(".comment").first().waitFor();
    expect(await page.locator(".comment").count()).toBe(PAYLOADS.length + 1);
    await expectInert(page, dialogs);

    await page.goto(accountUrl(env, "reasons"));
    await page.locator(".wp-reason").first().waitFor();
    const listed = await page.locator("ol.reasons .reason-text").allTextContents();
    const previewed = await page.locator(".wp-reason").allTextContents();
    for (const text of PAYLOADS) {
      expect(listed).toContain(text);
      expect(previewed).toContain(text);
    }
    expect(await page.locator(".wp-title").textContent()).toBe(TITLE);
    await expectInert(page, dialogs);
    await screenshot(page, "xss-reasons");

    await page.goto(accountUrl(env, "setup"));
    const install = page.getByTestId("install-status");
    await install.getByText("Install verified").waitFor();
    expect(await install.textContent()).toContain(`from customer ${CUSTOMER} (“${PAYLOADS[0]}”)`);
    await expectInert(page, dialogs);

    await page.goto(accountUrl(env, "settings"));
    await page.locator(".wp-title", { hasText: "Before you go" }).waitFor();
    expect(await page.locator(".wp-title").textContent()).toBe(TITLE);
    expect(await page.getByLabel("Account name").inputValue()).toBe(ACCOUNT);
    await expectInert(page, dialogs);
  });

  it("shows as text in the widget on a customer's site, and is stored as the same text", async () => {
    const site = await startHostSite();
    try {
      const { page } = await signedInPage(env);
      const dialogs = watchDialogs(page);
      const params = paramsSource(
        {
          access_token_id: env.server.accessTokenId,
          customer_oid: "cus_xss_widget",
          test_mode: true,
        },
        false,
      );
      await page.goto(
        site.page(
          "/account",
          htmlPage(
            `<a id="barecancel-trigger" href="/account/cancelled">Cancel</a>${snippet(env.server.url, params)}`,
          ),
        ),
      );
      await page.getByRole("link", { name: "Cancel" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("radio").first().waitFor();
      expect(await dialog.locator("h2").textContent()).toBe(TITLE);
      const labels = await dialog.locator("label.r").allTextContents();
      for (const text of PAYLOADS) expect(labels).toContain(text);
      await expectInert(page, dialogs);
      await screenshot(page, "xss-widget");

      const chosen = PAYLOADS[2] ?? "";
      await dialog.getByRole("radio", { name: chosen, exact: true }).check();
      await dialog.getByRole("textbox").fill(COMMENT);
      await dialog.getByRole("button", { name: "Continue cancelling" }).click();
      await site.waitForHit("/account/cancelled");
      const stored = (await env.server.storedEvents()).find(
        (e) => e.customer_oid === "cus_xss_widget",
      );
      expect(stored).toMatchObject({ reason: chosen, comment: COMMENT });
    } finally {
      await site.close();
    }
  });
});

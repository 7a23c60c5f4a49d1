import { readFileSync } from "node:fs";
import type { Locator, Page, Response } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Insights } from "../../src/dashboard/api/types.js";
import { seedDemoEvents } from "../../src/db/demo-data.js";
import { newId } from "../../src/db/ids.js";
import { createReasonsRepository } from "../../src/db/repositories/reasons.js";
import { htmlPage, paramsSource, snippet, startHostSite } from "../helpers/browser.js";
import { logoPng } from "../helpers/images.js";
import {
  accountUrl,
  inspect,
  newPage,
  screenshot,
  setupDashboardTests,
  signedInPage,
} from "./helpers.js";

const env = setupDashboardTests();
const XSS = `<img src=x onerror="window.__xss=1">"quoted" & <b>bold</b>`;

beforeAll(async () => {
  const db = env.server.database.db;
  await seedDemoEvents(db, env.server.accountId, 800);
  // A comment full of markup, from a test event: it must show as the very same text.
  const [reason] = await createReasonsRepository(db).list(env.server.accountId);
  await db
    .insertInto("events")
    .values({
      account_id: env.server.accountId,
      id: newId("evt"),
      kind: "answer",
      source: "widget",
      reason_id: reason?.id ?? null,
      reason_text: reason?.text ?? null,
      comment: XSS,
      customer_oid: "cus_markup",
      subscription_oids: [],
      test_mode: true,
      idempotency_key: null,
      locale: "en",
      mrr_amount: 4900,
      mrr_currency: "usd",
      plan: "Starter",
      created_at: new Date(),
    })
    .execute();
});

/** The natural width of an image once it has loaded, 0 before (or when it failed). */
const shownWidth = (image: Locator) =>
  image.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0));

const isInsights = (r: Response) => /\/insights\?/.test(r.url()) && r.request().method() === "GET";

async function kpi(page: Page, label: string): Promise<string> {
  const card = page
    .locator(".kpi")
    .filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) });
  return (await card.locator(".kpi-value").textContent()) ?? "";
}

describe("insights", () => {
  it("shows the numbers of the seeded history, and other numbers for another range", async () => {
    const { page } = await signedInPage(env);
    const first = page.waitForResponse(isInsights);
    await page.goto(accountUrl(env, "insights"));
    const month = (await (await first).json()) as Insights;
    expect(month.current.cancellations).toBeGreaterThan(0);
    await expect
      .poll(() => kpi(page, "Cancellations"))
      .toBe(month.current.cancellations.toLocaleString("en-US"));
    expect(await kpi(page, "Answers")).toBe(month.current.answers.toLocaleString("en-US"));
    expect(await kpi(page, "Lost MRR")).toMatch(/^\$[\d,]+\.\d\d$/);
    // Both charts are drawn by the chart library, and each reason is in the table.
    await page.locator(".chart-canvas svg").nth(1).waitFor();
    const rows = page.locator(
      "#reasons-heading ~ * table tbody tr, .card:has(#reasons-heading) tbody tr",
    );
    expect(await rows.count()).toBe(month.reasons.filter((r) => r.answers > 0).length);
    await inspect(page, "insights");

    const next = page.waitForResponse(isInsights);
    await page.getByLabel("Date range").selectOption({ label: "Last 12 months" });
    const year = (await (await next).json()) as Insights;
    expect(year.current.cancellations).toBeGreaterThan(month.current.cancellations);
    await expect
      .poll(() => kpi(page, "Cancellations"))
      .toBe(year.current.cancellations.toLocaleString("en-US"));
    expect(page.url()).toContain("range=12m");

    // By lost MRR, with weeks in the trend (a year starts out in months).
    await page.getByText("By lost MRR").click();
    await page.waitForURL(/by=mrr/);
    await page.getByText("Week", { exact: true }).click();
    await page.waitForURL(/interval=week/);
    await page.waitForLoadState("networkidle");
    await inspect(page, "insights-12-months");
  });

  it("a custom range and a reason filter narrow the numbers to that reason", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "insights", "?range=12m"));
    await page.locator(".kpi").first().waitFor();
    const reasons = (await (
      await page.request.get(`${env.server.url}/api/accounts/${env.server.accountId}/reasons`)
    ).json()) as { reasons: { id: string; text: string }[] };
    const reason = reasons.reasons[0];
    if (!reason) throw new Error("no reasons");

    await page.getByText("Reasons: all").click();
    const filtered = page.waitForResponse((r) => isInsights(r) && r.url().includes("reason_id="));
    await page.getByRole("checkbox", { name: reason.text, exact: true }).check();
    const data = (await (await filtered).json()) as Insights;
    expect(data.reasons.filter((r) => r.answers > 0).map((r) => r.reason_id)).toEqual([reason.id]);
    await expect
      .poll(() => kpi(page, "Answers"))
      .toBe(data.current.answers.toLocaleString("en-US"));
    expect(data.current.answers).toBe(data.reasons[0]?.answers);
    expect(await page.getByText("Reasons (1)").count()).toBe(1);

    // A custom range from the URL's dates.
    await page.getByLabel("Date range").selectOption({ label: "Custom range" });
    await page.getByLabel("From", { exact: true }).fill("2020-01-01");
    await page.getByLabel("To", { exact: true }).fill("2020-01-31");
    const empty = page.waitForResponse((r) => isInsights(r) && r.url().includes("from=2020-01-01"));
    await page.getByRole("button", { name: "Apply" }).click();
    await empty;
    await page.getByText("No cancellations in this period").waitFor();
    await page.getByRole("link", { name: "Go to Setup" }).waitFor();
  });
});

describe("comments", () => {
  it("full-text search finds a seeded comment; a customer's page lists their events", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "comments"));
    await page.locator(".event").first().waitFor();
    await inspect(page, "comments");

    const searched = page.waitForResponse(
      (r) => r.url().includes("/events?") && r.url().includes("q=salesf"),
    );
    await page.getByLabel("Search comments").fill("salesf");
    await searched;
    await expect
      .poll(async () => (await page.locator(".comment").allTextContents()).join("|"))
      .toMatch(/Salesforce/);
    const comments = await page.locator(".comment").allTextContents();
    expect(comments.length).toBeGreaterThan(0);
    for (const comment of comments) expect(comment).toMatch(/salesforce/i);
    // The matching word is marked.
    expect(new Set(await page.locator(".comment mark").allTextContents())).toEqual(
      new Set(["Salesforce"]),
    );
    await screenshot(page, "comments-search");

    const customer = page.locator(".event-meta a").first();
    const oid = (await customer.textContent()) ?? "";
    await customer.click();
    await page.getByRole("heading", { level: 1, name: `Customer ${oid}` }).waitFor();
    await page.locator(".event").first().waitFor();
    for (const meta of await page.locator(".event-meta").allTextContents())
      expect(meta).toContain(oid);
    await inspect(page, "customer");
  });

  it("shows markup in a comment as text and never runs it; filters by reason; loads more", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "comments", "?test=1&q=bold"));
    const comment = page.locator(".comment", { hasText: "quoted" });
    await comment.waitFor();
    expect(await comment.textContent()).toBe(XSS);
    expect(await comment.locator("img, b").count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    await page.goto(accountUrl(env, "comments", "?all=1"));
    await page.locator(".event").first().waitFor();
    const reasonSelect = page.getByLabel("Reason");
    const option = (await reasonSelect.locator("option").nth(2).textContent()) ?? "";
    await reasonSelect.selectOption({ label: option });
    await page.waitForURL(/reason=/);
    await expect
      .poll(async () => new Set(await page.locator(".reason-tag").allTextContents()))
      .toEqual(new Set([option]));

    await page.goto(accountUrl(env, "comments", "?all=1"));
    await page.locator(".event").first().waitFor();
    expect(await page.locator(".event").count()).toBe(50);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => page.locator(".event").count()).toBe(100);
  });
});

describe("export", () => {
  it("downloads a CSV of the current filter with a header row", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "export", "?range=12m"));
    await page.getByRole("heading", { name: "Export", level: 1 }).waitFor();
    await inspect(page, "export");
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download CSV" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const path = await file.path();
    const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^id,/);
    expect(lines[0]).toContain("customer_oid");
    expect(lines.length).toBeGreaterThan(100);
  });
});

describe("settings", () => {
  it("creates an API key whose secret is shown once, and an invite link", async () => {
    const { page } = await signedInPage(env, {
      permissions: ["clipboard-read", "clipboard-write"],
    });
    await page.goto(accountUrl(env, "settings"));
    await page.getByRole("heading", { name: "Embed tokens" }).waitFor();
    await page.locator("table code").first().waitFor();

    await page.getByLabel("New API key name").fill("Billing sync");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.locator(".secret");
    await secret.waitFor();
    const shown = (await secret.textContent()) ?? "";
    expect(shown.length).toBeGreaterThan(20);
    await page.locator(".notice-secret").getByRole("button", { name: "Copy" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    await page.getByRole("row", { name: /Billing sync/ }).waitFor();

    await page.getByLabel("Email (optional)").fill("teammate@example.com");
    await page.getByRole("button", { name: "Create invite link" }).click();
    await page.getByText(/\/invite\//).waitFor();
    await page.getByRole("row", { name: /teammate@example.com/ }).waitFor();
    await inspect(page, "settings");

    // Gone after "Done", and never shown again.
    await page.locator(".notice-secret").first().getByRole("button", { name: "Done" }).click();
    await page.reload();
    await page.getByRole("row", { name: /Billing sync/ }).waitFor();
    expect(await page.getByText(shown).count()).toBe(0);
  });
});

describe("invites", () => {
  it("a new person joins through an invite link as a member and sees settings read-only", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "settings"));
    await page.getByRole("button", { name: "Create invite link" }).click();
    const link = (await page.locator(".notice-secret .secret").textContent()) ?? "";
    expect(link).toContain(`${env.server.url}/invite/`);

    const { page: invitee } = await newPage(env);
    await invitee.goto(link);
    await invitee.getByRole("heading", { name: "Join an account", level: 1 }).waitFor();
    await inspect(invitee, "invite");
    await invitee.getByLabel("Email").fill(`new-member-${process.pid}@example.com`);
    await invitee.getByLabel("Password").fill("a fine long password");
    await invitee.getByRole("button", { name: "Accept invite" }).click();
    await invitee.waitForURL(`${env.server.url}/accounts/${env.server.accountId}/insights`);

    await invitee.goto(accountUrl(env, "settings"));
    await invitee.getByText("only owners can change these settings").waitFor();
    await invitee.locator("table code").first().waitFor();
    expect(await invitee.getByRole("button", { name: /Rotate|Revoke|Create/ }).count()).toBe(0);
    expect(await invitee.getByRole("heading", { name: "Invite people" }).count()).toBe(0);
    expect(await invitee.getByLabel("Title", { exact: true }).isDisabled()).toBe(true);
    await inspect(invitee, "settings-member");
  });
});

describe("widget settings", () => {
  it("brand colour and own words show in the preview as typed, and reach the widget once saved", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "settings"));
    const preview = page.locator(".wp-dialog");
    await preview.waitFor();
    expect(await preview.locator(".wp-title").textContent()).toBe("Before you go…");

    await page.getByLabel("Title", { exact: true }).fill("Wait, one question!");
    await page.getByLabel("Brand colour", { exact: true }).fill("#0f766e");
    await expect.poll(() => preview.locator(".wp-title").textContent()).toBe("Wait, one question!");
    const buttonColor = () =>
      preview.locator(".wp-primary").evaluate((el) => getComputedStyle(el).backgroundColor);
    await expect.poll(buttonColor).toBe("rgb(15, 118, 110)");
    await page.getByRole("button", { name: "Save widget settings" }).click();
    await page.getByText("Saved", { exact: true }).waitFor();

    const config = (await (
      await page.request.get(
        `${env.server.url}/api/widget/config?access_token_id=${env.server.accessTokenId}&locale=en`,
      )
    ).json()) as { texts: { title: string }; brand: { color: string } };
    expect(config.texts.title).toBe("Wait, one question!");
    expect(config.brand.color).toBe("#0f766e");
    await inspect(page, "settings-widget");

    // The Reasons page's preview shows the saved words and colour too.
    await page.goto(accountUrl(env, "reasons"));
    await page.locator(".wp-title", { hasText: "Wait, one question!" }).waitFor();
    await expect.poll(buttonColor).toBe("rgb(15, 118, 110)");
  });

  it("a logo picked in Settings shows in both previews and in the widget on a customer's site, until removed", async () => {
    const { context, page } = await signedInPage(env);
    await page.goto(accountUrl(env, "settings"));
    const preview = page.locator(".wp-dialog");
    await page.getByText("No logo").waitFor();
    expect(await preview.locator("img").count()).toBe(0);

    // An SVG is refused, in the server's words, next to the control.
    const picker = page.getByLabel("Upload logo");
    await picker.setInputFiles({
      name: "logo.svg",
      mimeType: "image/svg+xml",
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    });
    await page.getByRole("alert").filter({ hasText: "PNG, JPEG or WebP" }).waitFor();

    await picker.setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: logoPng() });
    await page.getByRole("img", { name: "Your logo" }).waitFor();
    await expect.poll(() => shownWidth(preview.locator(".wp-logo"))).toBe(192);
    expect(await page.getByRole("alert").count()).toBe(0);
    await inspect(page, "settings-logo");
    const card = page.locator(".card", { has: page.locator("#widget-heading") });
    await page.setViewportSize({ width: 375, height: 812 });
    await screenshot(page, "mobile-settings-logo", card);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);

    await page.goto(accountUrl(env, "reasons"));
    await expect.poll(() => shownWidth(page.locator(".wp-logo"))).toBe(192);

    // The widget on a customer's site (another origin) loads it from this server.
    const site = await startHostSite();
    try {
      const customer = await context.newPage();
      const params = paramsSource(
        { access_token_id: env.server.accessTokenId, customer_oid: "cus_logo", test_mode: true },
        false,
      );
      await customer.goto(
        site.page(
          "/account",
          htmlPage(
            `<button id="barecancel-trigger">Cancel my subscription</button>${snippet(env.server.url, params)}`,
          ),
        ),
      );
      await customer.getByRole("button", { name: "Cancel my subscription" }).click();
      const logo = customer.getByRole("dialog").locator("img");
      await expect.poll(() => shownWidth(logo)).toBe(192);
      expect(await logo.getAttribute("src")).toMatch(
        new RegExp(`^${env.server.url}/api/widget/logos/${env.server.accessTokenId}/`),
      );
      // Decorative: the dialog is named by its title.
      expect(await logo.getAttribute("alt")).toBe("");
      await screenshot(customer, "widget-logo");
    } finally {
      await site.close();
    }

    await page.goto(accountUrl(env, "settings"));
    await page.getByRole("button", { name: "Remove logo" }).click();
    await page.getByRole("button", { name: "Really remove the logo?" }).click();
    await page.getByText("No logo").waitFor();
    expect(await preview.locator("img").count()).toBe(0);
    const config = (await (
      await page.request.get(
        `${env.server.url}/api/widget/config?access_token_id=${env.server.accessTokenId}`,
      )
    ).json()) as { brand: { logo_url: string | null } };
    expect(config.brand.logo_url).toBeNull();
  });

  it("lists the sites allowed to embed the widget and switches verified customers", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "setup"));
    await page.getByText("Any site").waitFor();
    const input = page.getByLabel("Add a site");
    await input.fill("not a site");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.locator("#new-origin-error").waitFor();
    expect(await input.getAttribute("aria-invalid")).toBe("true");

    await input.fill("https://app.example.com/");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.locator(".origins code", { hasText: "https://app.example.com" }).waitFor();

    const toggle = page.getByRole("switch");
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    await page.getByText("On: answers without a matching hash are refused.").waitFor();
    await page.reload();
    await page.getByRole("switch").waitFor();
    expect(await page.getByRole("switch").isChecked()).toBe(true);
    expect(await page.locator(".origins code").allTextContents()).toEqual([
      "https://app.example.com",
    ]);
    await inspect(page, "setup-security");

    // Back to how the other tests expect the account.
    await page.getByRole("switch").uncheck();
    await page.getByRole("button", { name: "Remove https://app.example.com" }).click();
    await page.getByText("Any site").waitFor();
  });
});

describe("a phone-sized screen", () => {
  it("fits every page into 375 px without sideways scrolling", async () => {
    const { page } = await signedInPage(env, { viewport: { width: 375, height: 812 } });
    for (const section of ["insights", "comments", "reasons", "setup", "export", "settings"]) {
      await page.goto(accountUrl(env, section, section === "insights" ? "?range=90d" : ""));
      await page.getByRole("heading", { level: 1 }).waitFor();
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      await screenshot(page, `mobile-${section}`);
      expect(overflow, `${section} overflows`).toBeLessThanOrEqual(0);
    }
  });
});

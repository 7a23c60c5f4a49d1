import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { Reason } from "../../src/db/schema.js";
import { offerRows } from "../helpers/offer-rows.js";
import { accountUrl, inspect, screenshot, setupDashboardTests, signedInPage } from "./helpers.js";

const env = setupDashboardTests();
let reasons: Reason[];

beforeAll(async () => {
  reasons = await env.server.app.repos.reasons.list(env.server.accountId);
});

const stored = () => env.server.app.repos.offers.list(env.server.accountId);

/**
 * The error tied to a control by its aria-describedby, as a screen reader reads it; waits
 * for it, since it comes with the server's refusal.
 */
async function errorOf(page: Page, control: Locator): Promise<string> {
  await expect.poll(() => control.getAttribute("aria-invalid"), { timeout: 15_000 }).toBe("true");
  const ids = (await control.getAttribute("aria-describedby")) ?? "";
  const errorId = ids.split(" ").find((id) => id.endsWith("-error")) ?? "missing";
  return (await page.locator(`[id="${errorId}"]`).textContent()) ?? "";
}

async function openOffersPage(
  options: Parameters<typeof signedInPage>[1] = {},
  role: Parameters<typeof signedInPage>[2] = "owner",
) {
  const { page } = await signedInPage(env, options, role);
  await page.goto(accountUrl(env, "offers"));
  await page.getByRole("heading", { name: "Offers", level: 1 }).waitFor();
  return page;
}

describe("the offers page", () => {
  it("creates a discount offer, edits, deactivates and deletes it", async () => {
    const page = await openOffersPage();
    await page.getByText("No offers yet").waitFor();
    await inspect(page, "offers-empty");

    await page.getByRole("button", { name: "New offer" }).click();
    const form = page.getByRole("form", { name: "New offer" });
    await form.getByLabel("Title").fill("Stay for 20% off");
    await form.getByLabel("Percent off").fill("150");
    await form.getByLabel("For (months)").fill("3");
    const [first, second] = reasons;
    await form.getByLabel(first?.text ?? "", { exact: true }).check();
    await form.getByRole("button", { name: "Create offer" }).click();
    // The server's refusal, next to the field it names; nothing is stored.
    await form.getByText("Enter at most 100.").waitFor();
    expect(await errorOf(page, form.getByLabel("Percent off"))).toBe("Enter at most 100.");
    expect(await stored()).toEqual([]);
    await inspect(page, "offers-form-error");

    await form.getByLabel("Percent off").fill("20");
    await form.getByRole("button", { name: "Create offer" }).click();
    const item = page.getByRole("listitem", { name: "Stay for 20% off" });
    await item.getByText("20% off for 3 months").waitFor();
    await item.getByText(first?.text ?? "").waitFor();
    await item.getByText("any customer").waitFor();
    expect(await stored()).toMatchObject([
      {
        kind: "discount",
        title: "Stay for 20% off",
        params: { percent_off: 20, duration_in_months: 3 },
        reason_ids: [first?.id],
        active: true,
      },
    ]);

    await item.getByRole("button", { name: "Edit Stay for 20% off" }).click();
    const edit = page.getByRole("form", { name: "Edit “Stay for 20% off”" });
    await edit.getByLabel("Title").fill("Stay for less");
    await edit.getByLabel("For (months)").fill("6");
    await edit.getByLabel(second?.text ?? "", { exact: true }).check();
    await edit.getByLabel("Billed").selectOption("year");
    await edit.getByRole("button", { name: "Save offer" }).click();
    const edited = page.getByRole("listitem", { name: "Stay for less" });
    await edited.getByText("20% off for 6 months").waitFor();
    await edited.getByText(`${first?.text}, ${second?.text}`).waitFor();
    await edited.getByText("billed yearly").waitFor();

    await edited.getByRole("button", { name: "Deactivate Stay for less" }).click();
    await edited.getByText("inactive", { exact: true }).waitFor();
    expect(await stored()).toMatchObject([
      {
        title: "Stay for less",
        params: { percent_off: 20, duration_in_months: 6 },
        reason_ids: [first?.id, second?.id],
        billing_interval: "year",
        active: false,
      },
    ]);
    await inspect(page, "offers-list");

    await edited.getByRole("button", { name: "Delete Stay for less" }).click();
    await edited.getByRole("button", { name: "Really delete? Stay for less" }).click();
    await page.getByText("No offers yet").waitFor();
    expect(await stored()).toEqual([]);
  });

  it("shows the fields of the chosen kind, an amount off in its currency's units", async () => {
    const page = await openOffersPage();
    await page.getByRole("button", { name: "New offer" }).click();
    const form = page.getByRole("form", { name: "New offer" });
    await form.getByLabel("Kind").selectOption("contact_link");
    expect(await form.getByLabel("Percent off").count()).toBe(0);
    await form.getByLabel("Title").fill("Talk to us");
    await form.getByLabel("Link").fill("javascript:alert(1)");
    await form.getByLabel(reasons[0]?.text ?? "", { exact: true }).check();
    await form.getByRole("button", { name: "Create offer" }).click();
    expect(await errorOf(page, form.getByLabel("Link"))).toMatch(/http or https/);

    await form.getByLabel("Kind").selectOption("discount");
    await form.getByLabel("Discount by").selectOption("amount");
    await form.getByLabel("Title").fill("€4.50 off");
    await form.getByLabel("Amount off").fill("4.5");
    await form.getByLabel("Currency").fill("EUR");
    await form.getByLabel("For (months)").fill("2");
    await form.getByRole("button", { name: "Create offer" }).click();
    await page
      .getByRole("listitem", { name: "€4.50 off" })
      .getByText("€4.50 off for 2 months")
      .waitFor();
    const [offer] = await stored();
    expect(offer?.params).toEqual({ amount_off: 450, currency: "eur", duration_in_months: 2 });
    await env.server.app.repos.offers.remove(env.server.accountId, offer?.id ?? "");
  });

  it("saves the settings and puts a refusal next to its field", async () => {
    const page = await openOffersPage();
    const holdout = page.getByLabel("Holdout (percent)");
    await page.getByText(/decided by the customer's id/).waitFor();
    await holdout.fill("80");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Enter at most 50.").waitFor();
    expect(await errorOf(page, holdout)).toBe("Enter at most 50.");

    await holdout.fill("10");
    await page.getByLabel("One offer per customer in (months)").fill("6");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").getByText("Saved.").waitFor();
    const account = await env.server.app.repos.accounts.find(env.server.accountId);
    expect(account).toMatchObject({ offer_window_months: 6, offer_holdout_percent: 10 });
  });

  it("lets members look without changing anything", async () => {
    const offer = await env.server.app.repos.offers.create(env.server.accountId, {
      kind: "pause",
      title: "Take a break",
      description: null,
      params: { months: 2 },
      reason_ids: [reasons[0]?.id ?? ""],
      plan: null,
      min_tenure_days: 30,
      max_tenure_days: null,
      billing_interval: null,
      active: true,
    });
    const page = await openOffersPage({}, "member");
    const item = page.getByRole("listitem", { name: "Take a break" });
    await item.getByText("No payments for 2 months").waitFor();
    await item.getByText("customer for at least 30 days").waitFor();
    expect(
      await page
        .getByRole("button")
        .filter({ hasText: /Edit|Delete|activate|New offer/ })
        .count(),
    ).toBe(0);
    expect(await page.getByLabel("Holdout (percent)").isDisabled()).toBe(true);
    await page.getByText("Only owners change these.").waitFor();
    await env.server.app.repos.offers.remove(env.server.accountId, offer.id);
  });

  it("fits a phone-sized screen with the form open", async () => {
    const page = await openOffersPage({ viewport: { width: 375, height: 812 } });
    await page.getByRole("button", { name: "New offer" }).click();
    await page.getByRole("form", { name: "New offer" }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    await screenshot(page, "mobile-offers");
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

describe("the offers' performance", () => {
  it("shows each offer's figures, saved MRR, and the lift over the holdout", async () => {
    const accountId = env.server.accountId;
    const rows = offerRows(
      () => env.server.database.db,
      () => env.server.app.repos,
    );
    const offer = await env.server.app.repos.offers.create(accountId, {
      kind: "discount",
      title: "Half off for a month",
      description: null,
      params: { percent_off: 50, duration_in_months: 1 },
      reason_ids: [reasons[0]?.id ?? ""],
      plan: null,
      min_tenure_days: null,
      max_tenure_days: null,
      billing_interval: null,
      active: true,
    });
    await env.server.app.repos.offers.updateSettings(accountId, { holdout_percent: 10 });
    const old = new Date(Date.now() - 40 * 24 * 3600_000);
    const seen = { offerId: offer.id };
    for (let i = 0; i < 20; i++) await rows.exposure(accountId, `p${i}`, "shown", old, seen);
    for (let i = 0; i < 10; i++) await rows.exposure(accountId, `q${i}`, "held_out", old, seen);
    for (let i = 0; i < 3; i++) await rows.cancels(accountId, `p${i}`, old);
    for (let i = 0; i < 7; i++) await rows.cancels(accountId, `q${i}`, old);
    const kept = await rows.exposure(accountId, "p10", "applied", old, seen);
    await rows.saved(accountId, kept, { amount: 4900, currency: "usd" });
    await rows.exposure(accountId, "p11", "applied", old, seen);

    const page = await openOffersPage();
    const section = page.getByRole("region", { name: "Performance" });
    const row = section.getByRole("row", { name: /Half off for a month/ });
    await row.waitFor();
    expect(await row.getByRole("cell").allTextContents()).toEqual([
      "20",
      "2",
      "1",
      "1",
      "0",
      "$49.00",
    ]);
    // 17 of 20 stayed against 3 of 10: +55.0 points, Newcombe's interval 18.09 to 76.56.
    await section.getByText("85%").waitFor();
    await section.getByText("30%").waitFor();
    await section.getByText("+55.0 pts").waitFor();
    await section.getByText("95% interval +18.1 pts to +76.6 pts").waitFor();
    await inspect(page, "offers-performance");
  });
});

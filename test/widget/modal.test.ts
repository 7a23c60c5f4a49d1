import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import { toApiEvent } from "../../src/presenters/event.js";
import {
  focusedName,
  htmlPage,
  modal,
  paramsSource,
  recordCallbacks,
  setupWidgetTests,
  snippet,
  waitFor,
} from "../helpers/browser.js";
import { testSecrets } from "../helpers/secrets.js";

const env = setupWidgetTests();
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** A settings page whose cancel link is the trigger; returns where the link goes. */
async function openCancelPage(page: Page, params: Record<string, unknown> = {}, token?: string) {
  const customer = env.customer();
  const target = `/cancelled?customer=${customer}`;
  const source = paramsSource({
    access_token_id: token ?? env.server.accessTokenId,
    customer_oid: customer,
    ...params,
  });
  const body = `<p>Plan: Pro, billed monthly.</p>
    <a id="barecancel-trigger" href="${target}">Cancel subscription</a>`;
  await page.goto(
    env.site.page(`/settings-${customer}`, htmlPage(body + snippet(env.server.url, source))),
  );
  return { customer, target, trigger: page.getByRole("link", { name: "Cancel subscription" }) };
}

const radio = (page: Page, index: number) =>
  page.getByRole("radio", { name: env.config.reasons[index]?.text, exact: true });
const button = (page: Page, key: string) =>
  page.getByRole("button", { name: env.config.texts[key], exact: true });
const commentBox = (page: Page) =>
  page.getByRole("textbox", { name: env.config.texts.comment_label });

describe("validation", () => {
  it("asks for a reason first and moves focus to the reasons", async () => {
    const { page } = env;
    const { customer } = await openCancelPage(page);
    await page.getByRole("link", { name: "Cancel subscription" }).click();
    await button(page, "submit").click();
    const alert = page.getByRole("alert").filter({ hasText: env.config.texts.reason_required });
    await alert.waitFor();
    expect(await focusedName(page)).toBe(`modal:input:${env.config.reasons[0]?.text}`);
    const describedBy = await page.getByRole("group").getAttribute("aria-describedby");
    expect(await alert.getAttribute("id")).toBe(describedBy);
    expect(await env.server.storedEvents()).not.toContainEqual(
      expect.objectContaining({ customer_oid: customer }),
    );
  });

  it.each([
    { required: "Tell us why please", message: "Tell us why please" },
    { required: true, message: null },
  ])(
    "comment_required: $required shows its message and blocks until filled",
    async ({ required, message }) => {
      const { page, site } = env;
      const { customer, target, trigger } = await openCancelPage(page, {
        comment_required: required,
      });
      await trigger.click();
      await modal(page).waitFor();
      expect(await button(page, "skip").count()).toBe(0);

      await radio(page, 0).check();
      await button(page, "submit").click();
      const text = message ?? (env.config.texts.comment_required as string);
      await page.getByRole("alert").filter({ hasText: text }).waitFor();
      expect(await focusedName(page)).toBe(`modal:textarea:${env.config.texts.comment_label}`);
      expect(await commentBox(page).getAttribute("aria-invalid")).toBe("true");
      // Whitespace is not a comment.
      await commentBox(page).fill("   ");
      await button(page, "submit").click();
      expect(await modal(page).isVisible()).toBe(true);
      expect(site.hits.some((h) => h.url === target)).toBe(false);

      await commentBox(page).fill("Reporting is too slow");
      await button(page, "submit").click();
      await page.waitForURL(site.origin + target);
      const [event] = await env.eventsOf(customer);
      expect(event).toMatchObject({ kind: "answer", comment: "Reporting is too slow" });
    },
  );
});

describe("test mode and the install check", () => {
  it("stores test answers as test data", async () => {
    const { page } = env;
    const calls = await recordCallbacks(page);
    const { customer, target, trigger } = await openCancelPage(page, { test_mode: true });
    await trigger.click();
    await radio(page, 2).check();
    await button(page, "submit").click();
    await page.waitForURL(env.site.origin + target);
    const [event] = await env.eventsOf(customer);
    expect(event).toMatchObject({ test_mode: true, install_check: false });
    expect(calls.sent[0]).toMatchObject({ event_id: event?.id, test_mode: true });
  });

  it("marks an account's first live answer as the install check, and only the first", async () => {
    const { page, server } = env;
    // A fresh account: the other tests in this file have sent live answers already.
    const fresh = await createAccountsRepository(server.database.db, {
      secrets: testSecrets,
    }).create("Fresh Co");
    const eventsOfFresh = async () =>
      (
        await server.database.db
          .selectFrom("events")
          .selectAll()
          .where("account_id", "=", fresh.account.id)
          .orderBy("created_at")
          .execute()
      ).map(toApiEvent);

    for (const expected of [true, false]) {
      const { target, trigger } = await openCancelPage(page, {}, fresh.accessTokenId);
      await trigger.click();
      await radio(page, 0).check();
      await button(page, "submit").click();
      await page.waitForURL(env.site.origin + target);
      const events = await waitFor(async () => {
        const all = await eventsOfFresh();
        return all.length === (expected ? 1 : 2) ? all : null;
      }, "the fresh account's answer");
      expect(events.at(-1)).toMatchObject({ test_mode: false, install_check: expected });
    }
  });
});

describe("dismissing", () => {
  const ways: { name: string; close(page: Page): Promise<void> }[] = [
    { name: "Esc", close: (page) => page.keyboard.press("Escape") },
    { name: "the close button", close: (page) => button(page, "close").click() },
    { name: "a click on the backdrop", close: (page) => page.mouse.click(4, 4) },
  ];

  it.each(ways)(
    "by $name continues nothing, records a dismissal, and returns focus",
    async ({ close }) => {
      const { page, site } = env;
      const calls = await recordCallbacks(page);
      const { customer, target, trigger } = await openCancelPage(page);
      const url = page.url();
      await trigger.click();
      await modal(page).waitFor();
      await radio(page, 1).check();
      await close(page);
      await modal(page).waitFor({ state: "detached" });

      const [event] = await env.eventsOf(customer);
      expect(event).toMatchObject({ kind: "dismissal", reason_id: null, customer_oid: customer });
      expect(await focusedName(page)).toBe("a:Cancel subscription");
      expect(page.url()).toBe(url);
      expect(site.hits.some((h) => h.url === target)).toBe(false);
      expect(calls.sent).toEqual([]);

      // The trigger still works afterwards, with a fresh idempotency key (a second event).
      await trigger.click();
      await radio(page, 0).check();
      await button(page, "submit").click();
      await page.waitForURL(site.origin + target);
      const events = await env.eventsOf(customer, 2);
      expect(events.map((e) => e.kind)).toEqual(["dismissal", "answer"]);
    },
  );

  it("skip and cancel records a skip and goes on with the cancel", async () => {
    const { page, site } = env;
    const calls = await recordCallbacks(page);
    const { customer, target, trigger } = await openCancelPage(page);
    await trigger.click();
    await button(page, "skip").click();
    await page.waitForURL(site.origin + target);
    const [event] = await env.eventsOf(customer);
    expect(event).toMatchObject({ kind: "skip", reason_id: null, comment: null });
    expect(calls.sent).toEqual([
      expect.objectContaining({ event_id: event?.id, kind: "skip", reason_id: null }),
    ]);
  });
});

describe("keyboard and screen readers", () => {
  it("works with the keyboard alone and keeps focus inside the dialog", async () => {
    const { page, site, config } = env;
    const { customer, target } = await openCancelPage(page);
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe("a:Cancel subscription");
    await page.keyboard.press("Enter");
    await modal(page).waitFor();
    expect(await focusedName(page)).toBe(`modal:input:${config.reasons[0]?.text}`);

    await page.keyboard.press("ArrowDown");
    expect(await focusedName(page)).toBe(`modal:input:${config.reasons[1]?.text}`);
    expect(await radio(page, 1).isChecked()).toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.type("Keyboard only, thanks");
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe(`modal:button:${config.texts.skip}`);
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe(`modal:button:${config.texts.submit}`);
    // Trapped: past the last control focus wraps to the first, and back.
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe(`modal:button:${config.texts.close}`);
    await page.keyboard.press("Shift+Tab");
    expect(await focusedName(page)).toBe(`modal:button:${config.texts.submit}`);
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press(i % 3 ? "Tab" : "Shift+Tab");
      expect(await focusedName(page)).toMatch(/^modal:/);
    }
    await button(page, "submit").focus();
    await page.keyboard.press("Enter");

    await page.waitForURL(site.origin + target);
    const [event] = await env.eventsOf(customer);
    expect(event).toMatchObject({
      kind: "answer",
      reason_id: config.reasons[1]?.id,
      comment: "Keyboard only, thanks",
    });
  });

  it("passes axe-core with and without validation messages", async () => {
    const { page } = env;
    const { trigger } = await openCancelPage(page, { comment_required: true });
    await trigger.click();
    await modal(page).waitFor();
    await page.addScriptTag({ content: AXE });
    const audit = () =>
      page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<unknown> } }).axe;
        const result = (await axe.run({ include: [["barecancel-modal"]] })) as {
          violations: { id: string; nodes: { target: unknown }[] }[];
          passes: unknown[];
        };
        return {
          violations: result.violations.map(
            (v) => `${v.id}: ${JSON.stringify(v.nodes[0]?.target)}`,
          ),
          passes: result.passes.length,
        };
      });
    const clean = await audit();
    expect(clean.violations).toEqual([]);
    expect(clean.passes).toBeGreaterThan(10);
    await button(page, "submit").click();
    await page.getByRole("alert").first().waitFor();
    expect((await audit()).violations).toEqual([]);
  });

  it("is named by its title and labels every control", async () => {
    const { page, config } = env;
    const { trigger } = await openCancelPage(page);
    await trigger.click();
    await page.getByRole("dialog", { name: config.texts.title }).waitFor();
    await page.getByRole("group", { name: config.texts.reasons_label }).waitFor();
    expect(await page.getByRole("radio").count()).toBe(config.reasons.length);
    expect(await commentBox(page).getAttribute("maxlength")).toBe("5000");
  });
});

describe("speed", () => {
  it("shows the modal in the first frame after the click once the config is prefetched", async () => {
    const { page } = env;
    const configLoaded = page.waitForResponse((r) => r.url().includes("/api/widget/config"));
    await openCancelPage(page);
    await configLoaded;
    // Ordering, not a stopwatch: with the config at hand nothing is awaited (no request, no
    // timer), so the dialog is up and laid out before the browser paints again, however
    // slow a busy machine makes that frame. The time is printed for the record.
    const shown = await page.evaluate(
      () =>
        new Promise<{ inFirstFrame: boolean; ms: number }>((resolve) => {
          const start = performance.now();
          (document.getElementById("barecancel-trigger") as HTMLElement).click();
          requestAnimationFrame(() => {
            const dialog = document
              .querySelector("barecancel-modal")
              ?.shadowRoot?.querySelector("dialog");
            const inFirstFrame = !!dialog?.open && dialog.getBoundingClientRect().width > 0;
            resolve({ inFirstFrame, ms: performance.now() - start });
          });
        }),
    );
    console.info(`click to the next frame, modal shown: ${shown.ms.toFixed(1)} ms`);
    expect(shown.inFirstFrame).toBe(true);
  });
});

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  htmlPage,
  modal,
  paramsSource,
  recordCallbacks,
  setupWidgetTests,
  snippet,
} from "../helpers/browser.js";

const env = setupWidgetTests();

type Outcome =
  | { navigatesTo: string }
  | { opensPopup: string }
  // A background tab: Chromium fetches it, though Playwright never reports it as loaded.
  | { opensTab: string }
  | { posts: string; fields: Record<string, string>; submitHandlerRuns?: number }
  | { handlerRuns: string };

interface TriggerCase {
  name: string;
  body: string;
  params?: Record<string, unknown>;
  fire(page: Page): Promise<void>;
  outcome: Outcome;
}

// Each site handler counts its runs, so "exactly once" can be checked; sessionStorage keeps
// the count across the navigation a form submission causes.
const counter = `<script>window.runs = {};
function ran(name) {
  window.runs[name] = (window.runs[name] || 0) + 1;
  sessionStorage.setItem("runs", JSON.stringify(window.runs));
}</script>`;

const cases: TriggerCase[] = [
  {
    name: "a link",
    body: `<a id="barecancel-trigger" href="/cancelled?via=link">Cancel subscription</a>`,
    fire: (page) => page.getByRole("link", { name: "Cancel subscription" }).click(),
    outcome: { navigatesTo: "/cancelled?via=link" },
  },
  {
    name: "a link with target=_blank",
    body: `<a id="barecancel-trigger" href="/cancelled?via=blank" target="_blank">Cancel</a>`,
    fire: (page) => page.getByRole("link", { name: "Cancel" }).click(),
    outcome: { opensPopup: "/cancelled?via=blank" },
  },
  {
    // Ctrl-click on Linux and Windows, Cmd-click on macOS: the customer asked for a new tab.
    name: "a link opened in a new tab",
    body: `<a id="barecancel-trigger" href="/cancelled?via=tab">Cancel subscription</a>`,
    fire: (page) =>
      page
        .getByRole("link", { name: "Cancel subscription" })
        .click({ modifiers: ["ControlOrMeta"] }),
    outcome: { opensTab: "/cancelled?via=tab" },
  },
  {
    // Sites built from web components: the trigger lives in an open shadow root.
    name: "a link inside a web component",
    body: `<account-actions></account-actions><script>
      customElements.define("account-actions", class extends HTMLElement {
        connectedCallback() {
          this.attachShadow({ mode: "open" }).innerHTML =
            '<a id="barecancel-trigger" href="/cancelled?via=shadow">Cancel subscription</a>';
        }
      });</script>`,
    fire: (page) => page.getByRole("link", { name: "Cancel subscription" }).click(),
    outcome: { navigatesTo: "/cancelled?via=shadow" },
  },
  {
    name: "a submit button inside a web component",
    body: `<plan-form></plan-form><script>
      customElements.define("plan-form", class extends HTMLElement {
        connectedCallback() {
          this.attachShadow({ mode: "open" }).innerHTML =
            '<form action="/cancelled?via=shadow-form" method="post"><input type="hidden" name="plan" value="pro">' +
            '<button id="barecancel-trigger">Cancel plan</button></form>';
        }
      });</script>`,
    fire: (page) => page.getByRole("button", { name: "Cancel plan" }).click(),
    outcome: { posts: "/cancelled?via=shadow-form", fields: { plan: "pro" } },
  },
  {
    name: "a form",
    body: `<form id="barecancel-trigger" action="/cancelled?via=form" method="post">
      <input type="hidden" name="plan" value="pro"><button>Cancel plan</button></form>
      ${counter}<script>document.forms[0].addEventListener("submit", () => ran("submit"));</script>`,
    fire: (page) => page.getByRole("button", { name: "Cancel plan" }).click(),
    outcome: { posts: "/cancelled?via=form", fields: { plan: "pro" }, submitHandlerRuns: 1 },
  },
  {
    name: "a submit button in a form",
    body: `<form action="/cancelled?via=button" method="post"><input name="plan" value="team">
      <button id="barecancel-trigger" name="confirm" value="yes">Cancel plan</button></form>`,
    fire: (page) => page.getByRole("button", { name: "Cancel plan" }).click(),
    outcome: { posts: "/cancelled?via=button", fields: { plan: "team", confirm: "yes" } },
  },
  {
    name: "a plain button with callback_send",
    body: `<button id="barecancel-trigger" onclick="ran('button')">Cancel</button>${counter}`,
    fire: (page) => page.getByRole("button", { name: "Cancel" }).click(),
    outcome: { handlerRuns: "button" },
  },
  {
    name: "an element added after load",
    body: `<div id="slot"></div>${counter}<script>
      window.addEventListener("load", () => setTimeout(() => {
        const b = document.createElement("button");
        b.id = "barecancel-trigger"; b.textContent = "Cancel later";
        b.addEventListener("click", () => ran("late"));
        document.getElementById("slot").append(b);
      }, 100));</script>`,
    fire: (page) => page.getByRole("button", { name: "Cancel later" }).click(),
    outcome: { handlerRuns: "late" },
  },
  {
    name: "one of many elements matched by a custom trigger selector",
    params: { trigger: ".cancel-plan" },
    body: `${counter}<ul>${["basic", "pro", "team"]
      .map(
        (plan) =>
          `<li><button class="cancel-plan" onclick="ran('${plan}')"><span>Cancel ${plan}</span></button></li>`,
      )
      .join("")}</ul>`,
    fire: (page) => page.getByText("Cancel pro").click(),
    outcome: { handlerRuns: "pro" },
  },
];

describe("each kind of trigger", () => {
  it.each(cases)("$name: asks why, stores the answer, calls back, then goes on", async (c) => {
    const { page, site, server, config } = env;
    const customer = env.customer();
    const calls = await recordCallbacks(page);
    const subs = ["sub_1", "sub_2"];
    const params = paramsSource({
      access_token_id: server.accessTokenId,
      customer_oid: customer,
      subscription_oids: subs,
      ...c.params,
    });
    const slug = c.name.replace(/\W+/g, "-");
    await page.goto(site.page(`/${slug}`, htmlPage(c.body + snippet(server.url, params))));

    const hitsBefore = site.hits.length;
    await c.fire(page);
    await modal(page).waitFor({ state: "visible" });
    const shown = await page.locator("barecancel-modal label.r").allInnerTexts();
    expect(shown).toEqual(config.reasons.map((r) => r.text));
    // Nothing has gone on yet: the site's handler waits for the answer.
    expect(site.hits.length).toBe(hitsBefore);
    if ("handlerRuns" in c.outcome) {
      expect(await page.evaluate(() => (window as unknown as { runs: object }).runs)).toEqual({});
    }

    const reason = config.reasons[1] as { id: string; text: string };
    await page.getByRole("radio", { name: reason.text, exact: true }).check();
    await page.getByRole("textbox", { name: config.texts.comment_label }).fill("Needs SSO");
    const popup = "opensPopup" in c.outcome ? page.waitForEvent("popup") : null;
    const tab = "opensTab" in c.outcome ? page.context().waitForEvent("page") : null;
    await page.getByRole("button", { name: config.texts.submit }).click();

    const outcome = c.outcome;
    if ("navigatesTo" in outcome) {
      await page.waitForURL(site.origin + outcome.navigatesTo);
    } else if ("opensPopup" in outcome) {
      const opened = await popup;
      await opened?.waitForURL(site.origin + outcome.opensPopup);
      expect(page.url()).toContain(`/${slug}`);
    } else if ("opensTab" in outcome) {
      await tab;
      const hit = await site.waitForHit(outcome.opensTab);
      expect(hit.method).toBe("GET");
      expect(page.url()).toContain(`/${slug}`);
    } else if ("posts" in outcome) {
      const hit = await site.waitForHit(outcome.posts);
      expect(hit.method).toBe("POST");
      expect(Object.fromEntries(new URLSearchParams(hit.body))).toEqual(outcome.fields);
      await page.waitForURL(site.origin + outcome.posts);
      if (outcome.submitHandlerRuns) {
        const runs = await page.evaluate(() => sessionStorage.getItem("runs"));
        expect(JSON.parse(runs ?? "{}")).toEqual({ submit: outcome.submitHandlerRuns });
      }
    } else {
      await page.waitForFunction(
        (name) => (window as unknown as { runs: Record<string, number> }).runs[name] === 1,
        outcome.handlerRuns,
      );
      await modal(page).waitFor({ state: "detached" });
      expect(await page.evaluate(() => (window as unknown as { runs: object }).runs)).toEqual({
        [outcome.handlerRuns]: 1,
      });
    }

    const [event, ...more] = await env.eventsOf(customer);
    expect(more).toHaveLength(0);
    expect(event).toMatchObject({
      kind: "answer",
      reason_id: reason.id,
      reason: reason.text,
      comment: "Needs SSO",
      customer_oid: customer,
      subscription_oids: subs,
      test_mode: false,
    });
    expect(calls.sent).toHaveLength(1);
    expect(calls.sent[0]).toMatchObject({
      event_id: event?.id,
      reason_id: reason.id,
      reason: reason.text,
      comment: "Needs SSO",
      customer_oid: customer,
      subscription_oids: subs,
      test_mode: false,
    });
    expect(calls.errors).toEqual([]);
  });
});

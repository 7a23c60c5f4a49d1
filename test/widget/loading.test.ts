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

const reason = () => env.config.reasons[0] as { id: string; text: string };

/** Picks the first reason and sends; returns once the modal is gone. */
async function answer(page: Page) {
  await page.getByRole("radio", { name: reason().text, exact: true }).check();
  await page.getByRole("button", { name: env.config.texts.submit }).click();
  await modal(page).waitFor({ state: "detached" });
}

function params(customer: string, extra: Record<string, unknown> = {}) {
  return paramsSource({
    access_token_id: env.server.accessTokenId,
    customer_oid: customer,
    ...extra,
  });
}

const cancelLink = (target: string) => `<a id="barecancel-trigger" href="${target}">Cancel</a>`;

describe("sites load the script in odd ways", () => {
  it("snippet plus a direct script tag (twice, under both paths): binds once", async () => {
    const { page, site, server } = env;
    const customer = env.customer();
    const consoleErrors: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    const stores: string[] = [];
    page.on("request", (r) => r.url().includes("/api/widget/events") && stores.push(r.method()));
    const tags = `<script src="${server.url}/barecancel.js"></script>
      <script src="${server.url}/js/application.js"></script>`;
    const body = `${tags}${cancelLink("/done?odd=direct")}${snippet(server.url, params(customer))}`;
    await page.goto(site.page("/direct", htmlPage(body)));
    await page.waitForFunction(
      () => document.querySelectorAll('script[src$="barecancel.js"]').length === 2,
    );
    await page.getByRole("link", { name: "Cancel" }).click();
    await modal(page).waitFor();
    expect(await page.locator("barecancel-modal").count()).toBe(1);
    await answer(page);
    await page.waitForURL(`${site.origin}/done?odd=direct`);
    // The widget stores before the cancel goes on, and a page sends nothing once it is left:
    // a second binding's answer would be among these requests.
    expect(stores).toEqual(["POST"]);
    expect(await env.eventsOf(customer)).toHaveLength(1);
    // The widget must not set `created`, or the snippet would complain it was included twice.
    expect(consoleErrors.filter((e) => e.includes("included twice"))).toEqual([]);
  });

  it("survives the snippet replacing window.barecancel after the script ran", async () => {
    const { page, site, server } = env;
    const first = env.customer();
    const replaced = env.customer();
    const body = `<script src="${server.url}/barecancel.js"></script>${cancelLink("/done?odd=replaced")}
      ${snippet(server.url, params(first))}`;
    await page.goto(site.page("/replaced", htmlPage(body)));
    await page.evaluate(
      ([token, customer]) => {
        (window as unknown as { barecancel: object }).barecancel = {
          created: true,
          params: { access_token_id: token, customer_oid: customer },
        };
      },
      [server.accessTokenId, replaced],
    );
    await page.getByRole("link", { name: "Cancel" }).click();
    await answer(page);
    await page.waitForURL(`${site.origin}/done?odd=replaced`);
    expect(await env.eventsOf(replaced)).toHaveLength(1);
  });

  it("uses params changed after load (an SPA switching customers)", async () => {
    const { page, site, server } = env;
    const before = env.customer();
    const after = env.customer();
    const body = cancelLink("/done?odd=changed") + snippet(server.url, params(before));
    await page.goto(site.page("/changed", htmlPage(body)));
    await page.evaluate(
      ([customer]) => {
        const w = window as unknown as { barecancel: { params: Record<string, unknown> } };
        w.barecancel.params.customer_oid = customer;
        w.barecancel.params.subscription_oids = ["sub_after"];
      },
      [after],
    );
    await page.getByRole("link", { name: "Cancel" }).click();
    await answer(page);
    await page.waitForURL(`${site.origin}/done?odd=changed`);
    expect(await env.eventsOf(after)).toEqual([
      expect.objectContaining({ customer_oid: after, subscription_oids: ["sub_after"] }),
    ]);
    expect((await server.storedEvents()).some((e) => e.customer_oid === before)).toBe(false);
  });

  it("an SPA that injects the script with its dialog and removes it again, twice", async () => {
    const { page, site, server } = env;
    const calls = await recordCallbacks(page);
    const customers = [env.customer(), env.customer()];
    // The app's own cancel dialog: opening it renders a fresh trigger and injects the
    // script; params are set only after that; closing removes both.
    const app = `<button id="open">Manage subscription</button><div id="root"></div>
    <script>
    const customers = ${JSON.stringify(customers)};
    let round = 0;
    window.cancelled = [];
    document.getElementById("open").addEventListener("click", () => {
      const root = document.getElementById("root");
      const b = document.createElement("button");
      b.className = "spa-cancel"; b.textContent = "Cancel my plan";
      b.addEventListener("click", () => { window.cancelled.push(round); root.replaceChildren(); script.remove(); });
      root.append(b);
      const script = document.createElement("script");
      script.src = ${JSON.stringify(`${server.url}/barecancel.js`)};
      script.onload = () => {
        window.barecancel = window.barecancel || {};
        window.barecancel.params = {
          access_token_id: ${JSON.stringify(server.accessTokenId)},
          customer_oid: customers[round++],
          trigger: ".spa-cancel",
          callback_send: (d) => window.__bcSend(d),
        };
      };
      document.head.append(script);
    });
    </script>`;
    await page.goto(site.page("/spa", htmlPage(app)));
    for (const [i, customer] of customers.entries()) {
      await page.getByRole("button", { name: "Manage subscription" }).click();
      await page.waitForFunction(
        (n) =>
          (window as unknown as { barecancel?: { params?: unknown } }).barecancel?.params &&
          document.querySelectorAll("script[src]").length === 1 &&
          (window as unknown as { barecancel: { params: { customer_oid: string } } }).barecancel
            .params.customer_oid === n,
        customer,
      );
      await page.getByRole("button", { name: "Cancel my plan" }).click();
      await answer(page);
      await page.waitForFunction(
        (n) => (window as unknown as { cancelled: number[] }).cancelled.length === n,
        i + 1,
      );
      expect(await page.locator("script[src]").count()).toBe(0);
      expect(await env.eventsOf(customer)).toHaveLength(1);
    }
    expect(
      await page.evaluate(() => (window as unknown as { cancelled: number[] }).cancelled),
    ).toEqual([1, 2]);
    expect(calls.sent.map((d) => d.customer_oid)).toEqual(customers);
  });

  it.each([
    { name: "at DOMContentLoaded (direct script tag)", direct: true, when: "DOMContentLoaded" },
    { name: "on load (snippet)", direct: false, when: "load" },
  ])(
    "a hidden trigger clicked from code $name, before the config arrived",
    async ({ direct, when }) => {
      const { page, site, server } = env;
      const customer = env.customer();
      // Hold the config back until the page has clicked, so the click comes before it.
      let clicked = () => {};
      const click = new Promise<void>((resolve) => {
        clicked = resolve;
      });
      await page.exposeFunction("__clicked", () => clicked());
      let configRequested = 0;
      await page.route("**/api/widget/config**", async (route) => {
        configRequested++;
        await click;
        await route.continue();
      });
      const target = `/done?odd=hidden-${when}`;
      const script = direct
        ? `<script>window.barecancel = { params: ${params(customer, {}).replace(/\n/g, " ")} };</script>
         <script src="${server.url}/barecancel.js"></script>`
        : snippet(server.url, params(customer));
      const body = `<a id="barecancel-trigger" href="${target}" hidden>Cancel</a>${script}
      <script>window.addEventListener(${JSON.stringify(when)}, () => {
        document.getElementById("barecancel-trigger").click(); window.__clicked(); });</script>`;
      await recordCallbacks(page);
      await page.goto(site.page(`/hidden-${when}`, htmlPage(body)));
      await modal(page).waitFor();
      await answer(page);
      await page.waitForURL(site.origin + target);
      expect(await env.eventsOf(customer)).toHaveLength(1);
      expect(configRequested).toBe(1);
    },
  );
});

describe("language", () => {
  it("takes the locale from <html lang>, asks for its texts and stores it", async () => {
    const { page, site, server } = env;
    const customer = env.customer();
    const configUrl = page.waitForRequest((r) => r.url().includes("/api/widget/config"));
    const html = htmlPage(
      cancelLink("/done?odd=de") + snippet(server.url, params(customer)),
    ).replace('<html lang="en">', '<html lang="de">');
    await page.goto(site.page("/de", html));
    expect(new URL((await configUrl).url()).searchParams.get("locale")).toBe("de");
    await page.getByRole("link", { name: "Cancel" }).click();
    await page.getByRole("dialog", { name: "Bevor Sie gehen…" }).waitFor();
    await page.getByRole("radio").first().check();
    await page.getByRole("button", { name: "Weiter kündigen" }).click();
    await page.waitForURL(`${site.origin}/done?odd=de`);
    expect(await env.eventsOf(customer)).toEqual([expect.objectContaining({ locale: "de" })]);
  });
});

describe("a strict Content-Security-Policy", () => {
  it("renders styled and stores, without unsafe-inline and without violations", async () => {
    const { page, site, server } = env;
    const customer = env.customer();
    const nonce = "XYZ123";
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}' ${server.url}`,
      `connect-src ${server.url}`,
      "style-src 'none'",
      "img-src 'none'",
      "form-action 'self'",
    ].join("; ");
    const violations: string[] = [];
    await page.exposeFunction("__violation", (v: string) => violations.push(v));
    const watch = `<script nonce="${nonce}">
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__violation(e.violatedDirective + " " + e.blockedURI));</script>`;
    const body = `${watch}${cancelLink("/done?odd=csp")}${snippet(server.url, params(customer), nonce)}`;
    await page.goto(site.page("/csp", htmlPage(body), { "content-security-policy": csp }));
    await page.getByRole("link", { name: "Cancel" }).click();
    await modal(page).waitFor();
    const looks = await page.evaluate(() => {
      const root = document.querySelector("barecancel-modal")?.shadowRoot;
      const submit = root?.querySelector('button[type="submit"]') as Element;
      const dialog = root?.querySelector("dialog") as Element;
      return {
        button: getComputedStyle(submit).backgroundColor,
        radius: getComputedStyle(dialog).borderTopLeftRadius,
      };
    });
    expect(looks).toEqual({ button: "rgb(79, 70, 229)", radius: "16px" });
    await answer(page);
    await page.waitForURL(`${site.origin}/done?odd=csp`);
    expect(await env.eventsOf(customer)).toHaveLength(1);
    expect(violations).toEqual([]);
  });
});

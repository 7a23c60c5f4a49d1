import { createHmac } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createAccountsRepository } from "../../src/db/repositories/accounts.js";
import type { OfferInput } from "../../src/db/repositories/offers.js";
import { connectFakeStripe, fakeStripeEnv, stripeWithPro } from "../helpers/billing-account.js";
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

const { fake, stripe, pro } = await stripeWithPro();
const basic = stripe.createPrice({
  currency: "usd",
  product: "prod_basic",
  nickname: "Basic",
  unitAmount: 1500,
  recurring: { interval: "month" },
});
// Each test takes its own subscribed customer: one accepted offer per customer is the rule.
// They exist before the sync, which is what the offer step reads them from.
const pool = Array.from({ length: 11 }, () => {
  const customer = stripe.createCustomer();
  const sub = stripe.createSubscription({ customer: customer.id, items: [{ price: pro.id }] });
  return { id: customer.id, subscription: sub.id };
});
const nextCustomer = () => pool.shift() as (typeof pool)[number];

const env = setupWidgetTests({ server: { env: fakeStripeEnv(fake) } });
let reasons: { id: string; text: string }[];
let hashSecret: string;

const offer = (kind: OfferInput["kind"], title: string, params: OfferInput["params"]) => ({
  kind,
  title,
  description: `${title}: stay with us`,
  params,
  plan: null,
  min_tenure_days: null,
  max_tenure_days: null,
  billing_interval: null,
  active: true,
});

/** One offer per reason, in the order of the account's reasons. */
const OFFERS = [
  offer("discount", "20% off for 3 months", { percent_off: 20, duration_in_months: 3 }),
  offer("pause", "Pause for a month", { months: 1 }),
  offer("price_switch", "Switch to Basic", { price_id: basic.id, proration: "none" }),
  offer("contact_link", "Talk to our team", { url: "/talk" }),
];

beforeAll(async () => {
  ({ reasons, hashSecret } = await connectFakeStripe(env.server, fakeStripeEnv(fake)));
  for (const [i, o] of OFFERS.entries()) {
    const params = o.params.url ? { url: env.site.origin + o.params.url } : o.params;
    await env.server.app.repos.offers.create(env.server.accountId, {
      ...o,
      params,
      reason_ids: [reasons[i]?.id ?? ""],
    });
  }
});

const texts = () => env.config.texts as Record<string, string>;
const button = (page: Page, key: string) =>
  modal(page).getByRole("button", { name: texts()[key], exact: true });

/** A settings page whose cancel link is the trigger, for a verified customer unless told. */
async function openCancelPage(page: Page, customer: string, options: { hash?: boolean } = {}) {
  const target = `/cancelled-${customer}`;
  const hash = createHmac("sha256", hashSecret).update(customer).digest("hex");
  const source = paramsSource({
    access_token_id: env.server.accessTokenId,
    customer_oid: customer,
    test_mode: true,
    ...(options.hash === false ? {} : { customer_oid_hash: hash }),
  });
  const body = `<a id="barecancel-trigger" href="${target}">Cancel subscription</a>`;
  await page.goto(
    env.site.page(`/settings-${customer}`, htmlPage(body + snippet(env.server.url, source))),
  );
  return target;
}

/**
 * A fresh customer on their settings page clicks cancel, picks the reason with `index` and
 * sends it; the site's callbacks are recorded.
 */
async function cancelWith(index: number, options: { hash?: boolean } = {}) {
  const { page } = env;
  const calls = await recordCallbacks(page);
  const customer = nextCustomer();
  const target = await openCancelPage(page, customer.id, options);
  await page.getByRole("link", { name: "Cancel subscription" }).click();
  await page.getByRole("radio", { name: reasons[index]?.text, exact: true }).check();
  await button(page, "submit").click();
  return { page, calls, customer, target };
}

/** The offer as shown: its title is the dialog's heading. */
const offerHeading = (page: Page, index: number) =>
  modal(page).getByRole("heading", { name: OFFERS[index]?.title });

/** `cancelWith`, up to the reason's offer on screen. */
async function atOffer(index: number) {
  const at = await cancelWith(index);
  await offerHeading(at.page, index).waitFor();
  return at;
}

const writesFor = (subscription: string, from: number) =>
  fake.requests
    .slice(from)
    .filter((r) => r.method === "POST")
    .filter((r) => r.path === "/v1/coupons" || r.path === `/v1/subscriptions/${subscription}`)
    .map(({ path, params }) => ({ path, params }));

const cancelHits = (target: string) => env.site.hits.filter((h) => h.url === target);

describe("an offer after the reason", () => {
  it.each([
    {
      index: 0,
      kind: "discount",
      writes: (sub: string) => [
        expect.objectContaining({ path: "/v1/coupons" }),
        {
          path: `/v1/subscriptions/${sub}`,
          params: expect.objectContaining({ discounts: [{ coupon: expect.any(String) }] }),
        },
      ],
    },
    {
      index: 1,
      kind: "pause",
      writes: (sub: string) => [
        {
          path: `/v1/subscriptions/${sub}`,
          params: expect.objectContaining({
            pause_collection: expect.objectContaining({ behavior: "void" }),
          }),
        },
      ],
    },
    {
      index: 2,
      kind: "price_switch",
      writes: (sub: string) => [
        {
          path: `/v1/subscriptions/${sub}`,
          params: expect.objectContaining({
            items: [expect.objectContaining({ price: basic.id })],
          }),
        },
      ],
    },
  ])(
    "$kind: accepting applies it at Stripe, tells callback_saved, and cancels nothing",
    async ({ index, kind, writes }) => {
      const { page, calls, customer, target } = await atOffer(index);
      // Focus moves to the offer, so a screen reader reads it out.
      expect(await focusedName(page)).toBe(`modal:h2:${OFFERS[index]?.title}`);
      await modal(page).getByText(`${OFFERS[index]?.title}: stay with us`).waitFor();

      const from = fake.requests.length;
      await button(page, "offer_accept").click();
      await modal(page).getByRole("heading", { name: texts().offer_saved }).waitFor();
      expect(writesFor(customer.subscription, from)).toEqual(writes(customer.subscription));
      const saved = await waitFor(() => calls.saved[0], "callback_saved");
      expect(saved).toMatchObject({
        kind,
        customer_oid: customer.id,
        subscription_oid: customer.subscription,
        test_mode: true,
        acceptance_id: expect.any(String),
        offer_id: expect.any(String),
      });
      // The answer was stored as always.
      const [event] = await env.eventsOf(customer.id);
      expect(event).toMatchObject({ kind: "answer", reason_id: reasons[index]?.id });

      await button(page, "close").click();
      await modal(page).waitFor({ state: "detached" });
      // The trigger's own action never ran: no navigation, and callback_send (the cancel for
      // sites without a link) was not called.
      expect(page.url()).toBe(`${env.site.origin}/settings-${customer.id}`);
      expect(cancelHits(target)).toEqual([]);
      expect(calls.sent).toEqual([]);
      expect(calls.errors).toEqual([]);
    },
  );

  it("the talk-to-us link opens in a new tab and counts as staying", async () => {
    const { page, calls, customer, target } = await atOffer(3);
    const link = modal(page).getByRole("link", { name: texts().offer_contact });
    expect(await link.getAttribute("href")).toBe(`${env.site.origin}/talk`);
    const [tab] = await Promise.all([env.context.waitForEvent("page"), link.click()]);
    await tab.waitForURL(`${env.site.origin}/talk`);
    const saved = await waitFor(() => calls.saved[0], "callback_saved");
    expect(saved).toMatchObject({ kind: "contact_link", customer_oid: customer.id });
    await page.keyboard.press("Escape");
    await modal(page).waitFor({ state: "detached" });
    expect(cancelHits(target)).toEqual([]);
    expect(calls.sent).toEqual([]);
  });
});

/** The computed looks of a control: what makes one as visible as another. */
const looks = (control: Locator) =>
  control.evaluate((el) => {
    const s = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return [s.backgroundColor, s.color, s.fontSize, s.fontWeight, s.borderColor, box.height];
  });

describe("leaving is always one click away", () => {
  it("declining continues the cancel as before; it looks like the offer's button", async () => {
    const { page, calls, customer, target } = await atOffer(0);
    expect(await looks(button(page, "offer_decline"))).toEqual(
      await looks(button(page, "offer_accept")),
    );
    const from = fake.requests.length;
    await button(page, "offer_decline").click();
    await page.waitForURL(env.site.origin + target);
    const [event] = await env.eventsOf(customer.id);
    expect(calls.sent).toEqual([
      expect.objectContaining({ event_id: event?.id, reason_id: reasons[0]?.id }),
    ]);
    expect(calls.saved).toEqual([]);
    expect(writesFor(customer.subscription, from)).toEqual([]);
  });

  it("keyboard: focus is on the offer, and Esc declines", async () => {
    const { page, calls, target } = await atOffer(1);
    expect(await focusedName(page)).toBe(`modal:h2:${OFFERS[1]?.title}`);
    // Tab stays in the dialog: the decline button, the offer, then round to the close button.
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe(`modal:button:${texts().offer_decline}`);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await focusedName(page)).toBe(`modal:button:${texts().close}`);
    await page.keyboard.press("Escape");
    await page.waitForURL(env.site.origin + target);
    expect(calls.sent).toHaveLength(1);
    expect(calls.saved).toEqual([]);
  });

  it("a failed apply says so, and the customer can still cancel", async () => {
    const { page, calls, target } = await atOffer(0);
    fake.inject(
      { kind: "server_error", status: 400, shouldRetry: false },
      { path: "/v1/coupons", times: 2 },
    );
    try {
      await button(page, "offer_accept").click();
      await modal(page).getByRole("alert").filter({ hasText: texts().offer_failed }).waitFor();
    } finally {
      fake.clearFaults();
    }
    // The offer is gone; the way out is where focus is.
    expect(await button(page, "offer_accept").count()).toBe(0);
    expect(await focusedName(page)).toBe(`modal:button:${texts().offer_decline}`);
    expect(calls.errors).toEqual([
      expect.objectContaining({
        code: "offer_failed",
        details: expect.objectContaining({ status: 502 }),
      }),
    ]);
    await button(page, "offer_decline").click();
    await page.waitForURL(env.site.origin + target);
    expect(calls.sent).toHaveLength(1);
    expect(calls.saved).toEqual([]);
  });

  it("a customer no offer fits (unverified) goes straight on to the cancel", async () => {
    const offerCalls: string[] = [];
    env.page.on(
      "request",
      (r) => r.url().includes("/api/widget/offer") && offerCalls.push(r.url()),
    );
    const { page, calls, target } = await cancelWith(0, { hash: false });
    await page.waitForURL(env.site.origin + target);
    expect(offerCalls).toEqual([`${env.server.url}/api/widget/offer`]);
    expect(calls.sent).toHaveLength(1);
  });
});

describe("the offer step never blocks the cancel", () => {
  it.each([
    {
      name: "the offer step's script fails to load",
      path: "**/barecancel-offer.js",
      hang: false,
      error: { code: "offer_failed", message: "the offer step did not load" },
    },
    {
      name: "the offer call fails",
      path: "**/api/widget/offer",
      hang: false,
      error: { code: "offer_failed", details: expect.objectContaining({ network: true }) },
    },
    {
      name: "the offer call hangs",
      path: "**/api/widget/offer",
      hang: true,
      error: { code: "timeout", message: expect.stringMatching(/^offer took longer than \d+ ms$/) },
    },
  ])("$name: the cancel goes on and callback_error hears why", async ({ path, hang, error }) => {
    // The widget's own timers run on a clock the test moves: no waiting out the timeout.
    await env.page.clock.install();
    await env.page.route(path, (route) => (hang ? undefined : route.abort()));
    const offerCall = hang && env.page.waitForRequest("**/api/widget/offer");
    const { page, calls, customer, target } = await cancelWith(0);
    if (offerCall) {
      await offerCall;
      await env.eventsOf(customer.id);
      await page.clock.runFor(3100);
    }
    await page.waitForURL(env.site.origin + target);
    expect(calls.sent).toEqual([expect.objectContaining({ reason_id: reasons[0]?.id })]);
    expect(calls.errors).toEqual([expect.objectContaining(error)]);
  });
});

describe("an account without offers", () => {
  it("never loads the offer step", async () => {
    const { page, site, server } = env;
    const plain = await createAccountsRepository(server.database.db, {
      secrets: testSecrets,
    }).create("No Offers Co");
    const config = await (
      await fetch(`${server.url}/api/widget/config?access_token_id=${plain.accessTokenId}`)
    ).json();
    expect(config.offers).toBe(false);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const customer = env.customer();
    const source = paramsSource({ access_token_id: plain.accessTokenId, customer_oid: customer });
    const body = `<a id="barecancel-trigger" href="/cancelled-${customer}">Cancel subscription</a>`;
    await page.goto(site.page(`/plain-${customer}`, htmlPage(body + snippet(server.url, source))));
    await page.getByRole("link", { name: "Cancel subscription" }).click();
    await page.getByRole("radio", { name: reasons[0]?.text, exact: true }).check();
    await button(page, "submit").click();
    await page.waitForURL(`${site.origin}/cancelled-${customer}`);
    expect(requests.some((url) => url.endsWith("/barecancel.js"))).toBe(true);
    expect(requests.filter((url) => /barecancel-offer|\/api\/widget\/offer/.test(url))).toEqual([]);
  });
});

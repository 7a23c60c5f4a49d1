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
const TRIAL_END = Math.floor(Date.now() / 1000) + 14 * 86_400;
const subscriber = (trialEnd?: number) => {
  const customer = stripe.createCustomer();
  const sub = stripe.createSubscription({
    customer: customer.id,
    items: [{ price: pro.id }],
    trialEnd,
  });
  return { id: customer.id, subscription: sub.id };
};
type Customer = ReturnType<typeof subscriber>;
const pool = Array.from({ length: 18 }, () => subscriber());
const nextCustomer = () => pool.shift() as Customer;
// A customer still in their trial, who may get only a trial extension.
const trialing = subscriber(TRIAL_END);

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

/**
 * The offers and the index of the reason each answers, one per reason; the trial extension
 * shares the first reason: created after the discount, it is tried after it, so only a
 * trialing customer (whom the discount is refused) gets it.
 */
const OFFERS = [
  {
    reason: 0,
    ...offer("discount", "20% off for 3 months", { percent_off: 20, duration_in_months: 3 }),
  },
  { reason: 1, ...offer("pause", "Pause for a month", { months: 1 }) },
  {
    reason: 2,
    ...offer("price_switch", "Switch to Basic", { price_id: basic.id, proration: "none" }),
  },
  { reason: 3, ...offer("contact_link", "Talk to our team", { url: "/talk" }) },
  { reason: 0, ...offer("trial_extension", "Two more weeks free", { days: 14 }) },
];

beforeAll(async () => {
  ({ reasons, hashSecret } = await connectFakeStripe(env.server, fakeStripeEnv(fake)));
  for (const { reason, ...o } of OFFERS) {
    const params = o.params.url ? { url: env.site.origin + o.params.url } : o.params;
    await env.server.app.repos.offers.create(env.server.accountId, {
      ...o,
      params,
      reason_ids: [reasons[reason]?.id ?? ""],
    });
  }
});

const texts = () => env.config.texts as Record<string, string>;
const button = (page: Page, key: string) =>
  modal(page).getByRole("button", { name: texts()[key], exact: true });

interface CancelOptions {
  /** false: the customer is not verified (no `customer_oid_hash`). */
  hash?: boolean;
  /**
   * "button": the site cancels in callback_send alone, so the page stays after the cancel
   * and shows what the widget does after it; "link" (default) navigates away.
   */
  trigger?: "link" | "button";
  customer?: Customer;
  /**
   * The site's callback_send is recorded but never settles, so the dialog stays up for
   * the callback's 5 s: what the widget shows meanwhile can be seen.
   */
  sendHangs?: boolean;
}

/** A settings page whose cancel link is the trigger, for a verified customer unless told. */
async function openCancelPage(page: Page, customer: string, options: CancelOptions = {}) {
  const target = `/cancelled-${customer}`;
  const hash = createHmac("sha256", hashSecret).update(customer).digest("hex");
  const source = paramsSource({
    access_token_id: env.server.accessTokenId,
    customer_oid: customer,
    test_mode: true,
    ...(options.hash === false ? {} : { customer_oid_hash: hash }),
  });
  const body =
    options.trigger === "button"
      ? `<button id="barecancel-trigger" type="button">Cancel subscription</button>`
      : `<a id="barecancel-trigger" href="${target}">Cancel subscription</a>`;
  await page.goto(
    env.site.page(`/settings-${customer}`, htmlPage(body + snippet(env.server.url, source))),
  );
  return target;
}

/**
 * A fresh customer on their settings page clicks cancel, picks the reason of the offer with
 * `index` and sends it; the site's callbacks are recorded.
 */
async function cancelWith(index: number, options: CancelOptions = {}) {
  const { page } = env;
  const calls = await recordCallbacks(page);
  const customer = options.customer ?? nextCustomer();
  const target = await openCancelPage(page, customer.id, options);
  if (options.sendHangs) {
    await page.evaluate(() => {
      const params = (window as unknown as { barecancel: { params: Record<string, unknown> } })
        .barecancel.params;
      const send = params.callback_send as (data: unknown) => void;
      params.callback_send = (data: unknown) => {
        send(data);
        return new Promise(() => {});
      };
    });
  }
  await page.getByRole(options.trigger ?? "link", { name: "Cancel subscription" }).click();
  const reason = reasons[OFFERS[index]?.reason ?? -1]?.text;
  await page.getByRole("radio", { name: reason, exact: true }).check();
  await button(page, "submit").click();
  return { page, calls, customer, target };
}

/** The offer as shown: its title is the dialog's heading. */
const offerHeading = (page: Page, index: number) =>
  modal(page).getByRole("heading", { name: OFFERS[index]?.title });

/** `cancelWith`, up to the reason's offer on screen. */
async function atOffer(index: number, options: CancelOptions = {}) {
  const at = await cancelWith(index, options);
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
    {
      index: 4,
      kind: "trial_extension",
      customer: trialing,
      writes: (sub: string) => [
        {
          path: `/v1/subscriptions/${sub}`,
          params: expect.objectContaining({ trial_end: String(TRIAL_END + 14 * 86_400) }),
        },
      ],
    },
  ])(
    "$kind: accepting applies it at Stripe, tells callback_saved, and cancels nothing",
    async ({ index, kind, writes, customer: who }) => {
      const { page, calls, customer, target } = await atOffer(index, { customer: who });
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
      expect(event).toMatchObject({
        kind: "answer",
        reason_id: reasons[OFFERS[index]?.reason ?? -1]?.id,
      });

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

/**
 * Holds the page's requests to `path` until released (`reached` settles with the first);
 * released, they go on to the server.
 */
async function hold(page: Page, path: string) {
  let reach = () => {};
  let release = () => {};
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(path, async (route) => {
    reach();
    await released;
    // The page may have moved on meanwhile; a request it dropped cannot go on.
    await route.continue().catch(() => {});
  });
  return { reached, release };
}

/** The page's requests for an offer, from now on. */
function countOfferCalls(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r) => r.url().endsWith("/api/widget/offer") && urls.push(r.url()));
  return urls;
}

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

  it("while the offer loads, 'No thanks, cancel' is there, looking like the offer's button", async () => {
    const held = await hold(env.page, "**/api/widget/offer");
    const { page } = await cancelWith(0);
    await held.reached;
    // Focus is on what the dialog says now, not lost with the question's removed buttons.
    expect(await focusedName(page)).toBe(`modal:h2:${texts().sending}`);
    const waiting = await looks(button(page, "offer_decline"));
    held.release();
    await offerHeading(page, 0).waitFor();
    expect(await looks(button(page, "offer_accept"))).toEqual(waiting);
  });

  it.each([
    { name: "the offer call", path: "**/api/widget/offer" },
    { name: "the offer step's script", path: "**/barecancel-offer.js" },
  ])(
    "one click while waiting for $name cancels at once; what comes later shows nothing",
    async ({ path }) => {
      // The script is fetched as the modal opens: held from the start, it is still loading.
      const held = await hold(env.page, path);
      const offerCalls = countOfferCalls(env.page);
      const { page, calls } = await cancelWith(0, { trigger: "button", sendHangs: true });
      await held.reached;
      await button(page, "offer_decline").click();
      // The cancel went on at once; the dialog stays while the site's callback runs.
      const sent = await waitFor(() => calls.sent[0], "callback_send");
      expect(sent).toMatchObject({ reason_id: reasons[0]?.id });

      const late = page.waitForEvent("requestfinished", (r) => r.url().endsWith(path.slice(3)));
      held.release();
      await late;
      // Two frames for the widget to act on what arrived: nothing more may happen.
      await page.evaluate(
        () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
      );
      // The dialog still says it is sending the cancel: the late offer is not shown.
      expect(await modal(page).getByRole("heading", { name: texts().sending }).count()).toBe(1);
      expect(await offerHeading(page, 0).count()).toBe(0);
      expect(await button(page, "offer_accept").count()).toBe(0);
      // Left before the script ran: the offer is never asked for.
      expect(offerCalls).toHaveLength(path.endsWith(".js") ? 0 : 1);
      expect(calls.sent).toHaveLength(1);
      expect(calls.saved).toEqual([]);
      expect(calls.errors).toEqual([]);
    },
  );

  it("declining while the accept is on its way cancels; the site is not told of a save", async () => {
    const { page, calls, customer, target } = await atOffer(0);
    // The server answers (the offer is applied at Stripe), but the answer is held back.
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await page.route("**/api/widget/offer/accept", async (route) => {
      const response = await route.fetch();
      answer();
      await page.waitForURL(env.site.origin + target);
      await route.fulfill({ response }).catch(() => {});
    });
    const from = fake.requests.length;
    await button(page, "offer_accept").click();
    await answered;
    expect(writesFor(customer.subscription, from)).toContainEqual(
      expect.objectContaining({ path: `/v1/subscriptions/${customer.subscription}` }),
    );
    // Still clickable: the customer's choice wins over the offer they took a moment ago.
    await button(page, "offer_decline").click();
    await page.waitForURL(env.site.origin + target);
    expect(calls.sent).toEqual([expect.objectContaining({ reason_id: reasons[0]?.id })]);
    expect(calls.saved).toEqual([]);
  });

  it.each([
    { name: "declining the offer", options: {} },
    { name: "no offer for the customer (unverified)", options: { hash: false } },
  ])("one offer per cancel: $name asks for none again", async ({ options }) => {
    const offerCalls = countOfferCalls(env.page);
    const { page, calls } = await cancelWith(0, { ...options, trigger: "button" });
    if (options.hash !== false) {
      await offerHeading(page, 0).waitFor();
      await button(page, "offer_decline").click();
    }
    await modal(page).waitFor({ state: "detached" });
    await waitFor(() => calls.sent.length, "callback_send");
    expect(offerCalls).toEqual([`${env.server.url}/api/widget/offer`]);
  });

  it("a customer no offer fits (unverified) goes straight on to the cancel", async () => {
    const offerCalls = countOfferCalls(env.page);
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

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReasonsRepository } from "../../src/db/repositories/reasons.js";
import { escapeMrkdwn } from "../../src/webhooks/slack-message.js";
import { postWidgetEvent } from "../helpers/api.js";
import { createUser, signIn } from "../helpers/auth.js";
import { waitFor } from "../helpers/browser.js";
import { createReceiver, type Receiver } from "../webhooks/receiver.js";
import { FAST_WEBHOOKS } from "../webhooks/setup.js";
import { accountUrl, setupDashboardTests, signedInPage } from "./helpers.js";

// The dashboard's own PUBLIC_URL, so the Slack message links to this server.
const { PUBLIC_URL: _, ...webhookEnv } = FAST_WEBHOOKS;
const env = setupDashboardTests(webhookEnv);
let slack: Receiver;

/** Ids a billing provider or an app may well use, each with a character URLs treat specially. */
const CUSTOMERS = [
  "cus/with/slash",
  "100% sure",
  "who?what",
  "#1 fan",
  "a+b&c=d",
  "María José 🎉",
  "..",
];
/** Their neighbours: a page that cuts an id short or mixes ids up shows one of these. */
const NEIGHBOURS = ["cus", "cus/with", "100", "a b&c=d", "."];

beforeAll(async () => {
  slack = await createReceiver();
  await slack.up();
  const { server } = env;
  await createUser(server, "slack-owner@example.com", {
    accounts: [[server.accountId, "owner"]],
  });
  const owner = await signIn(server, "slack-owner@example.com");
  const added = await owner.request("POST", `/api/accounts/${server.accountId}/webhooks`, {
    url: slack.url,
    kind: "slack",
  });
  expect(added.statusCode).toBe(201);
  const [reason] = await createReasonsRepository(server.database.db).list(server.accountId);
  // The neighbours first: the very first live answer is the install check.
  for (const [n, customer] of [...NEIGHBOURS, ...CUSTOMERS].entries()) {
    const stored = await postWidgetEvent(server, {
      access_token_id: server.accessTokenId,
      customer_oid: customer,
      reason_id: reason?.id,
      comment: `Answer of ${customer}`,
      idempotency_key: `customer-page-${n}`,
    });
    expect(stored.statusCode).toBe(201);
  }
});
afterAll(() => slack.down());

/** The customer link of the Slack message about `customer`, as Slack shows it. */
async function slackLink(customer: string): Promise<string> {
  const message = await waitFor(
    () =>
      slack
        .accepted()
        .map((m) => JSON.parse(m.body))
        .find((body) => body.text.startsWith(`${escapeMrkdwn(customer)} cancelled`)),
    `the Slack message about ${customer}`,
  );
  const link = /^\*<([^|>]+)\|/.exec(message.blocks[0].text.text)?.[1] ?? "";
  // Slack reads &amp; &lt; &gt; back as the characters.
  return link.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/** The page shows `customer` and their one answer, and nobody else's. */
async function expectPageOf(page: Page, customer: string): Promise<void> {
  const heading = () => page.getByRole("heading", { level: 1 }).textContent();
  await expect.poll(heading, { timeout: 10_000 }).toBe(`Customer ${customer}`);
  await page.locator(".event").first().waitFor();
  expect(await page.locator(".comment").allTextContents()).toEqual([`Answer of ${customer}`]);
  expect(await page.locator(".event-meta").allTextContents()).toEqual([customer]);
}

describe("a customer's page", () => {
  it.each(CUSTOMERS)(
    "opens from the Slack message's link for %j and lists that customer's answers",
    async (customer) => {
      const link = await slackLink(customer);
      expect(link.startsWith(`${env.server.url}/accounts/${env.server.accountId}/`)).toBe(true);

      const { page } = await signedInPage(env);
      await page.goto(link);
      await expectPageOf(page, customer);

      // The dashboard's own links to the customer (comments, delivery log) go to the same page.
      const { pathname, search } = new URL(link);
      await page.goto(accountUrl(env, "comments", "?all=1"));
      const fromComments = page.getByRole("link", {
        name: `All events of customer ${customer}`,
        exact: true,
      });
      expect(await fromComments.getAttribute("href")).toBe(pathname + search);
      await page.goto(accountUrl(env, "webhooks"));
      const fromLog = page.getByRole("row").getByRole("link", { name: customer, exact: true });
      expect(await fromLog.first().getAttribute("href")).toBe(pathname + search);
    },
  );

  it("still opens from a link of the form Slack messages used to carry, /customers/<id>", async () => {
    const { page } = await signedInPage(env);
    for (const customer of ["cus/with/slash", "María José 🎉"]) {
      await page.goto(accountUrl(env, `customers/${encodeURIComponent(customer)}`));
      await expectPageOf(page, customer);
      expect(new URL(page.url()).searchParams.get("oid")).toBe(customer);
    }
  });
});

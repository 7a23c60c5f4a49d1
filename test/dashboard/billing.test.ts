import { describe, expect, it } from "vitest";
import { TEST_KEY } from "../billing/stripe/fake.js";
import { createUser } from "../helpers/auth.js";
import { stripeWithTwoCancellations } from "../helpers/billing-account.js";
import {
  accountUrl,
  inspect,
  newPage,
  screenshot,
  setupDashboardTests,
  signedInPage,
} from "./helpers.js";

const { fake, ann, annSub } = await stripeWithTwoCancellations();

const env = setupDashboardTests({
  STRIPE_API_BASE: fake.url,
  STRIPE_TEST_RATE_LIMIT: "0",
  // The worker runs the backfill the connection queues.
  WORKER: "on",
  WORKER_POLL_MS: "50",
});

let answers = 0;

async function postAnswer(customerOid: string, extra: Record<string, unknown> = {}) {
  const config = await fetch(
    `${env.server.url}/api/widget/config?access_token_id=${env.server.accessTokenId}`,
  );
  const [reason] = ((await config.json()) as { reasons: { id: string }[] }).reasons;
  const response = await fetch(`${env.server.url}/api/widget/events`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({
      access_token_id: env.server.accessTokenId,
      customer_oid: customerOid,
      reason_id: reason?.id,
      test_mode: true,
      idempotency_key: `billing-dash-${++answers}`,
      ...extra,
    }),
  });
  expect(response.status).toBe(201);
}

describe("billing in the dashboard", () => {
  it("connects Stripe from Settings and shows the backfill until it is done", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "settings"));
    const section = page.getByRole("region", { name: "Billing" });
    await section.getByText("No billing provider connected.").waitFor();
    await section.getByText("Subscriptions: Read").waitFor();

    const key = section.getByLabel("Restricted API key");
    await key.fill("rk_test_notaknownkey0000");
    await section.getByRole("button", { name: "Connect Stripe" }).click();
    await section.getByText(/Stripe refused the key/).waitFor();
    expect(await key.getAttribute("aria-invalid")).toBe("true");

    await key.fill(TEST_KEY);
    await section.getByRole("button", { name: "Connect Stripe" }).click();
    const connection = section.getByRole("article", { name: /Stripe/ });
    await connection.getByText("Test mode", { exact: true }).waitFor();
    await connection.getByText(/Test data is kept out of your live numbers/).waitFor();
    const status = connection.getByTestId("backfill-status");
    await status.and(page.locator("[data-state=succeeded]")).waitFor({ timeout: 20_000 });
    expect(await status.textContent()).toMatch(/Synced 2 customers, 2 subscriptions/);
    expect(await page.content()).not.toContain(TEST_KEY);

    // The webhook endpoint to add in Stripe, then its secret.
    const url = await connection.locator(".billing-url").textContent();
    expect(url).toMatch(/\/webhooks\/stripe\/bcn_\w+$/);
    await connection.getByText("customer.subscription.deleted").waitFor();
    await connection.getByLabel("Signing secret").fill("whsec_from_stripe");
    await connection.getByRole("button", { name: "Save secret" }).click();
    await connection.getByText("Webhooks: signing secret set").waitFor();
    await inspect(page, "settings-billing");

    // Sync now: a new run starts and ends. Stripe asking to slow down (3 s, twice) right
    // after the customers holds it there: half done (as many subscriptions taken to come),
    // with the time left.
    fake.inject(
      { kind: "rate_limit", retryAfterSeconds: 3 },
      { times: 2, path: "/v1/subscriptions" },
    );
    await connection.getByRole("button", { name: "Sync now" }).click();
    await status.getByText(/50% done, about \d+ (s|min|h) left/).waitFor({ timeout: 10_000 });
    await status.and(page.locator("[data-state=succeeded]")).waitFor({ timeout: 20_000 });
    await connection
      .getByRole("button", { name: "Sync now" })
      .and(page.locator(":enabled"))
      .waitFor();
  });

  it("shows coverage and paths on Insights, test data only with the switch", async () => {
    await postAnswer(ann.id, { subscription_oids: [annSub.id] });
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "insights"));
    const provider = page.getByRole("region", { name: "Cancellations at your billing provider" });
    await provider.getByText(/No cancellations from a billing provider/).waitFor();

    await page.goto(accountUrl(env, "insights", "?test=1"));
    const figures = provider.getByTestId("provider-cancellations");
    await figures.waitFor();
    await figures.getByText("1 of 1 voluntary cancellations had an answer").waitFor();
    const byPath = figures.getByRole("table", { name: /By path/ });
    await byPath.getByRole("row", { name: /Our widget 1 \$29\.00/ }).waitFor();
    await byPath.getByRole("row", { name: /Payment failure \(involuntary\) 1 \$87\.00/ }).waitFor();
    await figures.getByText("involuntary: $87.00 lost MRR").waitFor();
    await figures
      .getByRole("table", { name: /By plan/ })
      .getByRole("row", { name: /Pro/ })
      .waitFor();
    await inspect(page, "insights-billing");
  });

  it("lists answers whose customer Stripe does not know on Setup", async () => {
    await postAnswer("user_42");
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "setup"));
    const card = page.getByTestId("unmatched-answers");
    await card.getByText(/1 test answer/).waitFor();
    await card.getByRole("link", { name: "user_42" }).waitFor();
    await card.getByText(/must be the provider's customer id, e.g\. cus_\.\.\./).waitFor();
    expect(await card.textContent()).not.toContain(ann.id);
    await screenshot(page, "setup-unmatched", card);
  });

  it("shows a customer's subscription and cancellation on the customer's page", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "customers", `?oid=${encodeURIComponent(ann.id)}`));
    const billing = page.getByRole("region", { name: "Billing" });
    await billing
      .getByRole("row", { name: new RegExp(annSub.id) })
      .first()
      .waitFor();
    const cancellation = billing.getByRole("table", { name: "Cancellations" }).getByRole("row");
    await cancellation.filter({ hasText: "Set to end" }).filter({ hasText: "$29.00" }).waitFor();
    await cancellation.filter({ hasText: "too expensive" }).waitFor();
    await inspect(page, "customer-billing");
  });

  it("lets members look without the connect form or the buttons", async () => {
    const email = `member-${process.pid}@example.com`;
    await createUser(env.server, email, { accounts: [[env.server.accountId, "member"]] });
    const { context, page } = await newPage(env);
    const login = await context.request.post(`${env.server.url}/api/auth/login`, {
      data: { email, password: "correct horse battery" },
    });
    expect(login.status()).toBe(200);
    await page.goto(accountUrl(env, "settings"));
    const section = page.getByRole("region", { name: "Billing" });
    await section.getByText("Test mode", { exact: true }).waitFor();
    expect(await section.getByRole("button", { name: "Sync now" }).count()).toBe(0);
    expect(await section.getByRole("button", { name: "Connect Stripe" }).count()).toBe(0);
    expect(await section.getByRole("button", { name: "Disconnect" }).count()).toBe(0);
  });
});

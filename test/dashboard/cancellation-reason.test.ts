import { beforeAll, describe, expect, it } from "vitest";
import {
  cancelNow,
  scheduleCancellation,
} from "../../src/billing/stripe/fake/subscription-changes.js";
import { TEST_KEY } from "../billing/stripe/fake.js";
import { postWidgetEvent } from "../helpers/api.js";
import { type Client, createUser, PASSWORD, signIn } from "../helpers/auth.js";
import { stripeWithPro } from "../helpers/billing-account.js";
import { waitFor } from "../helpers/browser.js";
import { accountUrl, inspect, newPage, setupDashboardTests, signedInPage } from "./helpers.js";

// Real time: the cancellations are dated today, inside the insights' range below.
const { fake, stripe, pro } = await stripeWithPro();
const ann = stripe.createCustomer({ email: "ann@example.com" });
const annPortal = stripe.createSubscription({ customer: ann.id, items: [{ price: pro.id }] });
const annAnswered = stripe.createSubscription({ customer: ann.id, items: [{ price: pro.id }] });
stripe.change(
  annPortal.id,
  scheduleCancellation({ feedback: "too_expensive", comment: "Price doubled" }),
);
stripe.change(annAnswered.id, cancelNow());

const env = setupDashboardTests({
  STRIPE_API_BASE: fake.url,
  STRIPE_TEST_RATE_LIMIT: "0",
  // The worker runs the backfill the connection queues.
  WORKER: "on",
  WORKER_POLL_MS: "50",
});
let owner: Client;
let base: string;
let reasons: Record<string, string>;

beforeAll(async () => {
  const { server } = env;
  base = `/api/accounts/${server.accountId}`;
  await createUser(server, "reason-owner@example.com", { accounts: [[server.accountId, "owner"]] });
  owner = await signIn(server, "reason-owner@example.com");
  const listed = (await owner.request("GET", `${base}/reasons`)).json().reasons;
  reasons = Object.fromEntries(listed.map((r: { id: string; text: string }) => [r.text, r.id]));
  expect(
    (await owner.request("POST", `${base}/billing/stripe`, { api_key: TEST_KEY })).statusCode,
  ).toBe(201);
  await waitFor(
    async () => {
      const billing = await owner.request(
        "GET",
        `${base}/customers/billing?customer_oid=${ann.id}`,
      );
      return billing.json().cancellations.length === 2;
    },
    "the backfill's two cancellations",
    20_000,
  );
  const answered = await postWidgetEvent(server, {
    access_token_id: server.accessTokenId,
    customer_oid: ann.id,
    subscription_oids: [annAnswered.id],
    reason_id: reasons["Technical problems"],
    test_mode: true,
    idempotency_key: "cancellation-reason-dashboard",
  });
  expect(answered.statusCode).toBe(201);
});

/** The lost MRR the insights put down to `text`, in cents. */
async function lostMrrOf(text: string): Promise<number> {
  const today = new Date().toISOString().slice(0, 10);
  const insights = await owner.request(
    "GET",
    `${base}/insights?from=${today.slice(0, 8)}01&to=${today}&include_test=true`,
  );
  const row = insights.json().reasons.find((r: { text: string }) => r.text === text);
  return row?.lost_mrr[0]?.amount ?? 0;
}

const customerUrl = () => accountUrl(env, "customers", `?oid=${encodeURIComponent(ann.id)}`);

describe("a cancellation's reason on the customer's page", () => {
  it("lets an owner change the portal feedback's reason, saved at once", async () => {
    expect(await lostMrrOf("Too expensive")).toBe(2900);
    const { page } = await signedInPage(env);
    await page.goto(customerUrl());
    const billing = page.getByRole("region", { name: "Billing" });
    const row = billing
      .getByRole("table", { name: "Cancellations" })
      .getByRole("row")
      .filter({ hasText: annPortal.id });
    await row.getByText("wrote “Price doubled”").waitFor();
    const select = billing.getByLabel(new RegExp(`^Reason for ${annPortal.id}, cancelled`));
    await select.waitFor();
    expect(await select.locator("option:checked").textContent()).toBe("Too expensive");
    await inspect(page, "customer-cancellation-reason");

    await select.selectOption({ label: "Missing features I need" });
    await billing.getByRole("status").getByText("Reason saved.").waitFor();
    expect(await lostMrrOf("Too expensive")).toBe(0);
    expect(await lostMrrOf("Missing features I need")).toBe(2900);

    await page.reload();
    await select.waitFor();
    expect(await select.locator("option:checked").textContent()).toBe("Missing features I need");

    // Clearing the correction gives the provider's feedback back its say.
    await select.selectOption({ label: "Not corrected" });
    await billing.getByRole("status").getByText("Reason saved.").waitFor();
    expect(await lostMrrOf("Missing features I need")).toBe(0);
    expect(await lostMrrOf("Too expensive")).toBe(2900);
    await row.getByText("from the provider's feedback").waitFor();
  });

  it("says why a reason archived meanwhile is refused, and keeps the one saved", async () => {
    const { page } = await signedInPage(env);
    await page.goto(customerUrl());
    const billing = page.getByRole("region", { name: "Billing" });
    const select = billing.getByLabel(new RegExp(`^Reason for ${annPortal.id}, cancelled`));
    await select.waitFor();
    const archived = await owner.request("PATCH", `${base}/reasons/${reasons["Business closed"]}`, {
      archived: true,
    });
    expect(archived.statusCode).toBe(200);
    await select.selectOption({ label: "Business closed" });
    await billing
      .getByRole("alert")
      .getByText("This reason is archived: pick an active one.")
      .waitFor();
    expect(await select.locator("option:checked").textContent()).toBe("Too expensive");
  });

  it("shows an answered cancellation's answer, which the owner's correction overrides", async () => {
    const { page } = await signedInPage(env);
    await page.goto(customerUrl());
    const billing = page.getByRole("region", { name: "Billing" });
    const row = billing
      .getByRole("table", { name: "Cancellations" })
      .getByRole("row")
      .filter({ hasText: annAnswered.id });
    await row.getByText("from their answer").waitFor();
    const select = billing.getByLabel(new RegExp(`^Reason for ${annAnswered.id}, cancelled`));
    expect(await select.locator("option:checked").textContent()).toBe("Technical problems");
    const answered = await lostMrrOf("Technical problems");
    expect(answered).toBeGreaterThan(0);

    await select.selectOption({ label: "Other" });
    await billing.getByRole("status").getByText("Reason saved.").waitFor();
    expect(await lostMrrOf("Technical problems")).toBe(0);
    expect(await lostMrrOf("Other")).toBe(answered);
    expect(await row.getByText("from their answer").count()).toBe(0);
  });

  it("shows members the reason without a select", async () => {
    const { id } = (await owner.request("GET", `${base}/customers/billing?customer_oid=${ann.id}`))
      .json()
      .cancellations.find((c: { subscription_id: string }) => c.subscription_id === annPortal.id);
    const set = await owner.request("PATCH", `${base}/cancellations/${id}`, {
      reason_id: reasons["Switched to a competitor"],
    });
    expect(set.statusCode).toBe(200);
    const email = `reason-member-${process.pid}@example.com`;
    await createUser(env.server, email, { accounts: [[env.server.accountId, "member"]] });
    const { context, page } = await newPage(env);
    const login = await context.request.post(`${env.server.url}/api/auth/login`, {
      data: { email, password: PASSWORD },
    });
    expect(login.status()).toBe(200);
    await page.goto(customerUrl());
    const row = page
      .getByRole("region", { name: "Billing" })
      .getByRole("table", { name: "Cancellations" })
      .getByRole("row")
      .filter({ hasText: annPortal.id });
    await row.getByText("Switched to a competitor").waitFor();
    expect(await row.getByRole("combobox").count()).toBe(0);
  });
});

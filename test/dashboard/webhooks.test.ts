import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReceiver, type Receiver, verifySignature } from "../webhooks/receiver.js";
import { FAST_WEBHOOKS } from "../webhooks/setup.js";
import { accountUrl, inspect, screenshot, setupDashboardTests, signedInPage } from "./helpers.js";

const { PUBLIC_URL: _, ...webhookEnv } = FAST_WEBHOOKS;
const env = setupDashboardTests(webhookEnv);
let receiver: Receiver;

beforeAll(async () => {
  // The customer's endpoint has a bad moment on the first delivery, then answers.
  receiver = await createReceiver((n) => (n === 0 ? 500 : 200));
  await receiver.up();
});
afterAll(() => receiver.down());

async function postCancellation(customerOid: string) {
  const response = await fetch(`${env.server.url}/api/widget/events`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({
      access_token_id: env.server.accessTokenId,
      customer_oid: customerOid,
      kind: "skip",
      idempotency_key: `dash-${customerOid}`,
    }),
  });
  expect(response.status).toBe(201);
}

describe("the webhooks page", () => {
  it("adds an endpoint, shows a cancellation's delivery and its attempts, and redelivers it", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "webhooks"));
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await page.getByText("No endpoints yet").waitFor();

    await page.getByLabel("URL").fill(receiver.url);
    await page.getByLabel("Description (optional)").fill("Data warehouse");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const endpoint = page.getByRole("listitem", { name: "Data warehouse" });
    await endpoint.waitFor();
    await endpoint.getByRole("button", { name: "Show" }).click();
    const secret = (await endpoint.locator(".secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_\w{32}$/);

    await postCancellation("cus_dashboard");
    await page.getByRole("button", { name: "Refresh" }).click();
    const row = page.getByRole("row").filter({ hasText: "cus_dashboard" });
    // Failed once (500), retried, delivered: the log refreshes itself meanwhile.
    await row.getByText("delivered").waitFor();
    await row.getByText("2 attempts").click();
    await row.getByText("HTTP 500").waitFor();
    await row.getByText("HTTP 200").waitFor();
    await inspect(page, "webhooks");

    await row.getByRole("button", { name: /Redeliver/ }).click();
    await row.getByText("3 attempts").waitFor();
    await row.getByText("delivered").waitFor();
    const ids = receiver.accepted().map((r) => r.headers["cancel-insights-delivery"]);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    for (const request of receiver.accepted()) {
      expect(
        verifySignature(request.headers["cancel-insights-signature"], request.body, secret),
      ).toBe(true);
    }

    // A test from the endpoint's own button lands in the log too.
    await endpoint.getByRole("button", { name: /Send test/ }).click();
    await page.getByRole("row").filter({ hasText: "ping" }).getByText("delivered").waitFor();
    await screenshot(page, "webhooks-after-redelivery");
  });

  it("fits a phone-sized screen", async () => {
    const { page } = await signedInPage(env, { viewport: { width: 375, height: 812 } });
    await page.goto(accountUrl(env, "webhooks"));
    await page.getByRole("heading", { name: "Delivery log" }).waitFor();
    await page.getByRole("row").nth(1).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    await screenshot(page, "mobile-webhooks");
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

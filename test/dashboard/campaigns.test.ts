import { describe, expect, it } from "vitest";
import { createRepositories } from "../../src/db/repositories/index.js";
import { testSecrets } from "../helpers/secrets.js";
import { accountUrl, inspect, setupDashboardTests, signedInPage } from "./helpers.js";

// No SMTP_URL: the test send waits in the outbox.
const env = setupDashboardTests();
const repos = () => createRepositories(env.server.database.db, { secrets: testSecrets });

describe("the campaigns page", () => {
  it("writes a campaign with a live preview, names a broken variable, and sends a test", async () => {
    const [reason] = await repos().reasons.list(env.server.accountId);
    const offer = await repos().offers.create(env.server.accountId, {
      kind: "contact_link",
      title: "A call with our founder",
      description: null,
      params: { url: "https://acme.test/call" },
      reason_ids: [reason?.id ?? ""],
      plan: null,
      min_tenure_days: null,
      max_tenure_days: null,
      billing_interval: null,
      active: true,
    });
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "campaigns"));
    await page.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
    await page.getByText("No campaigns yet").waitFor();
    await page.getByRole("button", { name: "New campaign" }).click();
    await page.getByLabel("Name", { exact: true }).fill("Price win-back");
    await page.getByRole("checkbox", { name: reason?.text ?? "" }).check();
    await page.getByLabel("Email 1: subject").fill("Hi {{name}}, about {{plan}}");
    const preview = page.getByRole("region", { name: "Preview of email 1" });
    await preview.getByText("Subject: Hi Ann Example, about Pro").waitFor();
    await page.getByLabel("Email 1: body").fill("Dear {{nmae}}");
    await preview.getByText(/\{\{nmae\}\}, which is not a variable/).waitFor();
    await page.getByLabel(/^Offer/).selectOption(offer.id);
    await page
      .getByLabel("Email 1: body")
      .fill("Dear {{name}}, you left for: {{reason}}. {{offer}}?");
    await preview
      .getByText(`Dear Ann Example, you left for: ${reason?.text}. A call with our founder?`)
      .waitFor();
    await inspect(page, "campaign-editor");

    await page.getByRole("button", { name: "Save campaign" }).click();
    await page.getByRole("button", { name: "Edit Price win-back" }).click();
    const [stored] = await repos().campaigns.list(env.server.accountId);
    expect(stored).toMatchObject({
      name: "Price win-back",
      reason_ids: [reason?.id],
      offer_id: offer.id,
      steps: [{ delay_days: 60, subject: "Hi {{name}}, about {{plan}}" }],
    });
    await page.getByText("Nobody yet").waitFor();

    await page.getByLabel("Send a test of this email to").fill("me@example.com");
    await page.getByRole("button", { name: "Send test" }).click();
    await page.getByRole("status").getByText("Queued").waitFor();
    const { emails } = await repos().emails.list(env.server.accountId, { limit: 5 });
    expect(emails).toEqual([
      expect.objectContaining({ kind: "campaign", is_test: true, to_address: "me@example.com" }),
    ]);
  });
});

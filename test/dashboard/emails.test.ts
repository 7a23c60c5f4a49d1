import { beforeAll, describe, expect, it } from "vitest";
import { createRepositories } from "../../src/db/repositories/index.js";
import { testSecrets } from "../helpers/secrets.js";
import { accountUrl, inspect, setupDashboardTests, signedInPage } from "./helpers.js";

// No SMTP_URL: the reason email waits in the outbox.
const env = setupDashboardTests();

beforeAll(async () => {
  const repos = createRepositories(env.server.database.db, { secrets: testSecrets });
  const { cancellation } = await repos.cancellations.record({
    account_id: env.server.accountId,
    connection_id: "bcn_dashboard",
    subscription_id: "sub_dashboard",
    customer_id: "cus_dashboard",
    test_mode: false,
    path: "portal",
    timing: "period_end",
    state: "scheduled",
    requested_at: new Date(),
  });
  const email = await repos.emails.scheduleReason(cancellation);
  await repos.emails.finish(email?.id ?? "", {
    status: "outbox",
    to: "ann@example.com",
    subject: "Why did you cancel your Acme Test subscription?",
    linkExpiresAt: new Date(Date.now() + 86_400_000),
    text: "Hello,\n\nWould you tell us why?\n\nhttp://localhost/r/token",
    html: "<p>Hello</p>",
  });
});

describe("the emails page", () => {
  it("shows the outbox's message and saves the reason email's delay", async () => {
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "emails"));
    await page.getByRole("heading", { name: "Emails", level: 1 }).waitFor();
    await page.getByText(/No SMTP server is configured/).waitFor();
    const item = page.getByRole("listitem").filter({ hasText: "ann@example.com" });
    await item.getByText("In the outbox (not sent)", { exact: false }).waitFor();
    await item.getByText("Read the message").click();
    await item.getByText("Would you tell us why?").waitFor();
    await inspect(page, "emails");

    await page.getByLabel("Send after (minutes)").fill("15");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").getByText("Saved.").waitFor();
    const settings = await createRepositories(env.server.database.db, {
      secrets: testSecrets,
    }).emails.settings(env.server.accountId);
    expect(settings).toEqual({ reason_delay_minutes: 15, reason_link_days: 14 });
  });
});

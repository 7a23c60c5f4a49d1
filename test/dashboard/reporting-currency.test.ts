import { describe, it } from "vitest";
import { storeEvent } from "../helpers/api.js";
import { accountUrl, setupDashboardTests, signedInPage } from "./helpers.js";

const env = setupDashboardTests();

describe("the reporting currency in the dashboard", () => {
  it("is set in Settings with a rate, and Insights shows the lost MRR converted", async () => {
    const db = env.server.database.db;
    const reason = await db
      .selectFrom("reasons")
      .select("id")
      .where("account_id", "=", env.server.accountId)
      .executeTakeFirstOrThrow();
    // €20.00 a month lost, sent with the answer as a site without a synced provider does.
    await storeEvent(db, {
      account_id: env.server.accountId,
      customer_oid: "cus_eu",
      reason_id: reason.id,
      mrr_amount: 2000,
      mrr_currency: "eur",
    });
    const { page } = await signedInPage(env);
    await page.goto(accountUrl(env, "settings"));
    const section = page.getByRole("region", { name: "Reporting currency" });

    await section.getByLabel("Reporting currency").fill("ZZZ");
    await section.getByRole("button", { name: "Save" }).click();
    await section.getByText("reporting_currency is not an ISO 4217 currency code.").waitFor();

    await section.getByLabel("Reporting currency").fill("usd");
    await section.getByRole("button", { name: "Save" }).click();
    await section.getByLabel("Rate in USD").waitFor();

    await page.goto(accountUrl(env, "insights"));
    await page.getByText("no total: no rate for EUR", { exact: false }).waitFor();

    await page.goto(accountUrl(env, "settings"));
    await section.getByLabel("Currency", { exact: true }).fill("eur");
    await section.getByLabel("Rate in USD").fill("1.1");
    await section.getByRole("button", { name: "Set rate" }).click();
    await section.getByRole("cell", { name: "EUR", exact: true }).waitFor();

    await page.goto(accountUrl(env, "insights"));
    await page.getByText("= $22.00 in all", { exact: false }).waitFor();
  });
});

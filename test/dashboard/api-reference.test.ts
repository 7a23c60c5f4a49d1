import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the REST API reference page", () => {
  it("renders every operation offline, with nothing refused by its CSP", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    // As on a self-hosted server with no internet: anything not from this server fails.
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith("data:")) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });

    await page.goto(`${server.url}/docs/api`);
    await page.getByText("Cancel Insights REST API").first().waitFor();
    for (const path of [
      "/v1/cancellation_insights/reasons",
      "/v1/cancellation_insights/reasons/{id}",
      "/v1/cancellation_insights/events",
      "/v1/cancellation_insights/events/{id}",
    ]) {
      await expect(
        page.locator(".opblock-summary-path", { hasText: path }).count(),
      ).resolves.toBeGreaterThan(0);
    }
    // And the requests we send to webhook endpoints, with their payload.
    for (const type of ["cancellation.created", "cancellation.updated"]) {
      await expect(
        page.locator(".opblock-summary", { hasText: type }).count(),
        type,
      ).resolves.toBeGreaterThan(0);
    }
    await page.screenshot({ path: "test-results/screenshots/api-reference.png", fullPage: true });
    // The bearer key can be entered for "Try it out".
    await expect(page.getByRole("button", { name: /Authorize/ }).count()).resolves.toBe(1);
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    await context.close();
  });
});

import { describe, expect, it } from "vitest";
import { inspect, newPage, screenshot, setupDashboardTests } from "./helpers.js";

const env = setupDashboardTests();
const EMAIL = "founder@example.com";
const PASSWORD = "a long enough password";

// One story on one fresh server: the first user exists only after the first test.
describe.sequential("first run, sign out and sign in", () => {
  it("a fresh server asks for the first user; field errors sit next to their field", async () => {
    const { page } = await newPage(env);
    await page.goto(env.server.url);
    await page.waitForURL(/\/setup$/);
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Create your account");
    await inspect(page, "sign-up");

    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("short");
    await page.getByLabel("Account name").fill("Founder's SaaS");
    await page.getByRole("button", { name: "Create account" }).click();
    const password = page.getByLabel("Password");
    await expect.poll(() => password.getAttribute("aria-invalid")).toBe("true");
    const error = page.locator(".field-error");
    expect(await error.textContent()).toMatch(/at least 10 characters/);
    // The message is tied to the field for screen readers.
    const describedBy = (await password.getAttribute("aria-describedby")) ?? "";
    expect(describedBy.split(" ")).toContain(await error.getAttribute("id"));
    await screenshot(page, "sign-up-error");
  });

  it("the first user signs up and lands on the setup of the account they named", async () => {
    const { page } = await newPage(env);
    await page.goto(`${env.server.url}/setup`);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("Account name").fill("Founder's SaaS");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/accounts\/[^/]+\/setup/);
    await page.getByRole("heading", { name: "Setup", level: 1 }).waitFor();
    // The first user also owns the account that existed before: two to switch between.
    const switcher = page.getByLabel("Account");
    const names = await switcher.locator("option").allTextContents();
    expect(names.sort()).toEqual(["Acme Test", "Founder's SaaS"]);
    expect(await switcher.locator("option:checked").textContent()).toBe("Founder's SaaS");
    await expect.poll(() => page.getByText(EMAIL).count()).toBeGreaterThan(0);

    // Switching accounts keeps the section.
    await switcher.selectOption({ label: "Acme Test" });
    await page.waitForURL(`${env.server.url}/accounts/${env.server.accountId}/setup`);
  });

  it("signing out returns to sign-in; a wrong password is refused, the right one lets in", async () => {
    const { context, page } = await newPage(env);
    await context.request.post(`${env.server.url}/api/auth/login`, {
      data: { email: EMAIL, password: PASSWORD },
    });
    await page.goto(`${env.server.url}/`);
    await page.waitForURL(/\/insights/);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    // The session is gone on the server too.
    expect((await context.request.get(`${env.server.url}/api/session`)).status()).toBe(401);
    await inspect(page, "sign-in");

    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/Wrong email or password/);

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/accounts\/[^/]+\/insights/);
  });

  it("a page opened while signed out comes back after signing in", async () => {
    const { page } = await newPage(env);
    await page.goto(`${env.server.url}/accounts/${env.server.accountId}/reasons`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/reasons$/);
    await page.getByRole("heading", { name: "Reasons", level: 1 }).waitFor();
  });

  it("signing out everywhere in one browser signs the other browser out as well", async () => {
    const signedIn = async () => {
      const { context, page } = await newPage(env);
      const login = await context.request.post(`${env.server.url}/api/auth/login`, {
        data: { email: EMAIL, password: PASSWORD },
      });
      expect(login.status()).toBe(200);
      return { context, page };
    };
    const laptop = await signedIn();
    const phone = await signedIn();
    const at = (section: string) => `${env.server.url}/accounts/${env.server.accountId}/${section}`;
    await phone.page.goto(at("insights"));
    await phone.page.getByRole("heading", { name: "Insights", level: 1 }).waitFor();

    await laptop.page.goto(at("settings"));
    await laptop.page.getByRole("button", { name: "Sign out everywhere" }).click();
    // It asks once more; nothing has happened yet.
    const really = laptop.page.getByRole("button", { name: "Really sign out everywhere?" });
    await really.waitFor();
    expect((await phone.context.request.get(`${env.server.url}/api/session`)).status()).toBe(200);
    await screenshot(laptop.page, "settings-sign-out-everywhere");
    await really.click();
    await laptop.page.waitForURL(/\/login/);
    await laptop.page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();

    // The phone finds out with its next call to the server: to sign-in, and back after.
    await phone.page.getByRole("link", { name: "Comments" }).click();
    await phone.page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    expect(phone.page.url()).toContain("/login?next=");
    for (const { context } of [laptop, phone]) {
      expect((await context.request.get(`${env.server.url}/api/session`)).status()).toBe(401);
    }
  });
});

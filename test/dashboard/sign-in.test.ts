import type { BrowserContext, Cookie, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SESSION_TTL_MS } from "../../src/server/auth/sessions.js";
import { inspect, newPage, screenshot, setupDashboardTests } from "./helpers.js";

const env = setupDashboardTests();
const EMAIL = "founder@example.com";
const PASSWORD = "a long enough password";

interface SessionReply {
  user: { email: string };
  accounts: { id: string; name: string; role: string }[];
}

/** What the server says about the browser's session: who, or null when signed out. */
async function sessionOf(context: BrowserContext): Promise<SessionReply | null> {
  const response = await context.request.get(`${env.server.url}/api/session`);
  if (response.status() === 401) return null;
  expect(response.status()).toBe(200);
  return (await response.json()) as SessionReply;
}

/** The session cookies the browser keeps for the dashboard. */
async function sessionCookies(context: BrowserContext): Promise<Cookie[]> {
  return (await context.cookies(env.server.url)).filter((c) => /ci_session/.test(c.name));
}

/**
 * The one session cookie, checked as README promises it on a plain-http PUBLIC_URL: hidden
 * from scripts, not sent along from other sites, for the whole app, for 30 days.
 */
async function expectSessionCookie(context: BrowserContext, page: Page): Promise<Cookie> {
  const cookies = await sessionCookies(context);
  expect(cookies.map((c) => c.name)).toEqual(["ci_session"]);
  const cookie = cookies[0] as Cookie;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
  const lifetimeMs = cookie.expires * 1000 - Date.now();
  expect(lifetimeMs).toBeGreaterThan(SESSION_TTL_MS - 60 * 60 * 1000);
  expect(lifetimeMs).toBeLessThanOrEqual(SESSION_TTL_MS);
  expect(await page.evaluate(() => document.cookie)).not.toContain(cookie.value);
  return cookie;
}

/** Signed out, as the browser and the server both see it. */
async function expectSignedOut(context: BrowserContext, page: Page): Promise<void> {
  await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/login");
  expect(await page.getByRole("button", { name: "Sign out", exact: true }).count()).toBe(0);
  expect(await sessionOf(context)).toBeNull();
}

/** The frame names the signed-in user, and the page is an account of theirs. */
async function expectSignedInAs(context: BrowserContext, page: Page, email: string) {
  const session = await sessionOf(context);
  expect(session?.user.email).toBe(email);
  const accountId = decodeURIComponent(new URL(page.url()).pathname.split("/")[2] ?? "");
  const account = session?.accounts.find((a) => a.id === accountId);
  expect(account, `the page's account ${accountId} is one of the user's`).toBeDefined();
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
  expect(await page.locator(".user-email").textContent()).toBe(email);
  expect(await page.getByLabel("Account").locator("option:checked").textContent()).toBe(
    account?.name,
  );
}

// One story on one fresh server: the first user exists only after the first test.
describe.sequential("first run, sign out and sign in", () => {
  it("a fresh server asks for the first user; field errors sit next to their field", async () => {
    const { context, page } = await newPage(env);
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

    // Refused means nobody was created and nobody is signed in.
    const status = await context.request.get(`${env.server.url}/api/setup/status`);
    expect(await status.json()).toMatchObject({ needs_first_user: true });
    expect(await sessionCookies(context)).toEqual([]);
    expect(await sessionOf(context)).toBeNull();
  });

  it("the first user signs up and lands on the setup of the account they named", async () => {
    const { context, page } = await newPage(env);
    await page.goto(`${env.server.url}/setup`);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("Account name").fill("Founder's SaaS");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/accounts\/[^/]+\/setup/);
    await page.getByRole("heading", { name: "Setup", level: 1 }).waitFor();
    await expectSignedInAs(context, page, EMAIL);
    await expectSessionCookie(context, page);
    // The first user also owns the account that existed before: two to switch between.
    const switcher = page.getByLabel("Account");
    const names = await switcher.locator("option").allTextContents();
    expect(names.sort()).toEqual(["Acme Test", "Founder's SaaS"]);
    expect(await switcher.locator("option:checked").textContent()).toBe("Founder's SaaS");
    const session = await sessionOf(context);
    expect(session?.accounts.map((a) => a.role)).toEqual(["owner", "owner"]);

    // Switching accounts keeps the section.
    await switcher.selectOption({ label: "Acme Test" });
    await page.waitForURL(`${env.server.url}/accounts/${env.server.accountId}/setup`);
  });

  it("signing out returns to sign-in; a wrong password is refused, the right one lets in", async () => {
    const { context, page } = await newPage(env);
    const login = await context.request.post(`${env.server.url}/api/auth/login`, {
      data: { email: EMAIL, password: PASSWORD },
    });
    expect(login.status()).toBe(200);
    await page.goto(`${env.server.url}/`);
    await page.waitForURL(/\/insights/);
    await expectSignedInAs(context, page, EMAIL);
    await expectSessionCookie(context, page);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    // The cookie is gone from the browser (asked before anything asks the server, which
    // would drop a dead one too), and the session from the server.
    expect(await sessionCookies(context)).toEqual([]);
    await expectSignedOut(context, page);
    await inspect(page, "sign-in");

    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/Wrong email or password/);
    await expectSignedOut(context, page);
    expect(await sessionCookies(context)).toEqual([]);
    // Not even after a reload: no session slipped in behind the message.
    await page.goto(`${env.server.url}/`);
    await page.waitForURL(/\/login$/);
    await expectSignedOut(context, page);

    // A session id someone else chose (say, planted through a sibling site) is never adopted:
    // signing in always issues a new one.
    const planted = "x".repeat(43);
    await context.addCookies([{ name: "ci_session", value: planted, url: env.server.url }]);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/accounts\/[^/]+\/insights/);
    await page.getByRole("heading", { name: "Insights", level: 1 }).waitFor();
    await expectSignedInAs(context, page, EMAIL);
    expect((await expectSessionCookie(context, page)).value).not.toBe(planted);
  });

  it("a page opened while signed out comes back after signing in", async () => {
    const { context, page } = await newPage(env);
    await page.goto(`${env.server.url}/accounts/${env.server.accountId}/reasons`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/reasons$/);
    await page.getByRole("heading", { name: "Reasons", level: 1 }).waitFor();
    expect(page.url()).toBe(`${env.server.url}/accounts/${env.server.accountId}/reasons`);
    await expectSignedInAs(context, page, EMAIL);
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
    expect(await sessionOf(phone.context)).not.toBeNull();
    await screenshot(laptop.page, "settings-sign-out-everywhere");
    await really.click();
    await laptop.page.waitForURL(/\/login/);
    await expectSignedOut(laptop.context, laptop.page);

    // The phone finds out with its next call to the server: to sign-in, and back after.
    await phone.page.getByRole("link", { name: "Comments" }).click();
    await phone.page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    expect(phone.page.url()).toContain("/login?next=");
    expect(await sessionOf(phone.context)).toBeNull();
  });
});

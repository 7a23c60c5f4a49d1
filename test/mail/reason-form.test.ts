import { describe, expect, it } from "vitest";
import { reasonLinkToken } from "../../src/mail/reason-link.js";
import { testSecrets } from "../helpers/secrets.js";
import { liveSync } from "../sync/live.js";
import { reasonFlow } from "./reason-flow.js";

// No SMTP_URL: emails go to the outbox, where the test reads the link as a newcomer would.
const live = await liveSync();
const flow = reasonFlow(live);
const HTML = { accept: "text/html,application/xhtml+xml" };
const FORM = { ...HTML, "content-type": "application/x-www-form-urlencoded" };

/** A cancellation whose reason email is in the outbox: the email and its link's path. */
async function emailed(address: string) {
  const { cancellation, sub, customer } = await flow.cancelled(address);
  const scheduled = await flow.emailOf(cancellation.id);
  await flow.delayPasses(scheduled?.id ?? "");
  const email = await flow.emailOf(cancellation.id);
  const link = /\/r\/\S+/.exec(email?.body_text ?? "")?.[0] ?? "";
  return { cancellation, sub, customer, email, path: link };
}

async function firstReason() {
  const reasons = await live.repos().reasons.list(live.server().accountId);
  return reasons[0] as { id: string; text: string };
}

const app = () => live.server().app;
const get = (url: string, headers: Record<string, string> = HTML) =>
  app().inject({ method: "GET", url, headers });
const postForm = (url: string, fields: Record<string, string>) =>
  app().inject({
    method: "POST",
    url,
    headers: FORM,
    payload: new URLSearchParams(fields).toString(),
  });
const postJson = (url: string, body: Record<string, unknown>) =>
  app().inject({ method: "POST", url, payload: body });

describe("the outbox, with no SMTP configured", () => {
  it("keeps the reason email, rendered, to read in the dashboard", async () => {
    const { email } = await emailed("gus@example.com");
    expect(email).toMatchObject({
      status: "outbox",
      to_address: "gus@example.com",
      subject: "Why did you cancel your Acme Test subscription?",
    });
    expect(email?.body_text).toContain(`${live.config.publicUrl}/r/${email?.id}.`);
    expect(email?.body_html).toContain("Tell us why you cancelled");
    const expires = new Date(email?.link_expires_at ?? 0).getTime();
    // The default life of a link: 14 days.
    expect(Math.round((expires - Date.now()) / 86_400_000)).toBe(14);
  });
});

describe("the hosted form", () => {
  it("shows the account's reasons on one accessible page without script", async () => {
    const { path } = await emailed("hal@example.com");
    const page = await get(path);
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain("<legend>Main reason for cancelling</legend>");
    expect(page.body).toContain(`value="${(await firstReason()).id}"`);
    expect(page.body).toContain('<label for="comment">');
    expect(page.body).not.toContain("<script");
    // Opening the link (a mail scanner does) uses nothing up.
    expect((await get(path)).statusCode).toBe(200);
  });

  it("records a submitted answer as the widget does, source email, linked to the cancellation", async () => {
    const { path, cancellation, customer, sub, email } = await emailed("ida@example.com");
    const reason = await firstReason();
    const done = await postForm(path, { reason_id: reason.id, comment: "  Too slow for us  " });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain("Your answer is recorded");
    const db = flow.db();
    const links = await db
      .selectFrom("cancellation_answers")
      .selectAll()
      .where("cancellation_id", "=", cancellation.id)
      .execute();
    expect(links).toEqual([expect.objectContaining({ linked_by: "subscription_oid" })]);
    const event = await db
      .selectFrom("events")
      .selectAll()
      .where("id", "=", links[0]?.event_id ?? "")
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({
      kind: "answer",
      source: "email",
      reason_id: reason.id,
      reason_text: reason.text,
      comment: "Too slow for us",
      customer_oid: customer.id,
      subscription_oids: [sub.id],
      test_mode: true,
      install_check: false,
      // The cancellation's lost MRR and plan, as a linked widget answer gets them.
      mrr_amount: expect.anything(),
      plan: "Pro",
    });
    expect(Number(event.mrr_amount)).toBe(2900);
    expect(await flow.emailOf(cancellation.id)).toMatchObject({ event_id: event.id });
    expect(email?.event_id).toBeNull();
  });

  it("answers JSON to a client that asks for it", async () => {
    const { path, cancellation } = await emailed("jon@example.com");
    const missing = await postJson(path, { comment: "x" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: "validation_error", field: "reason_id" });
    const unknown = await postJson(path, { reason_id: "rsn_nope" });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({ code: "unknown_reason", field: "reason_id" });
    const tooLong = await postJson(path, {
      reason_id: (await firstReason()).id,
      comment: "x".repeat(5001),
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.field).toBe("comment");
    const done = await postJson(path, { reason_id: (await firstReason()).id });
    expect(done.statusCode).toBe(201);
    expect(done.json()).toEqual({ event_id: expect.any(String), cancellation_id: cancellation.id });
  });

  it("shows the form again with the error when no reason is chosen, the link still unused", async () => {
    const { path } = await emailed("kim@example.com");
    const refused = await postForm(path, { comment: "kept" });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toContain("Please choose a reason.");
    expect(refused.body).toContain(">kept</textarea>");
    expect((await postForm(path, { reason_id: (await firstReason()).id })).statusCode).toBe(200);
  });
});

describe("a link that does not work", () => {
  it("used once already: 410, as a page and as JSON", async () => {
    const { path, cancellation } = await emailed("lea@example.com");
    const reason = await firstReason();
    expect((await postForm(path, { reason_id: reason.id })).statusCode).toBe(200);
    const again = await postForm(path, { reason_id: reason.id });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain("You answered already");
    expect((await get(path)).statusCode).toBe(410);
    const json = await postJson(path, { reason_id: reason.id });
    expect(json.statusCode).toBe(410);
    expect(json.json().error.code).toBe("link_used");
    // One answer, the first: the refused ones stored nothing.
    const answers = await flow
      .db()
      .selectFrom("cancellation_answers")
      .select("event_id")
      .where("cancellation_id", "=", cancellation.id)
      .execute();
    expect(answers).toHaveLength(1);
  });

  it("expired by its signed date or by the database: 410", async () => {
    const { path, email } = await emailed("max@example.com");
    const reason = await firstReason();
    const past = `/r/${reasonLinkToken(testSecrets, email?.id ?? "", new Date(Date.now() - 1000))}`;
    const signedPast = await postForm(past, { reason_id: reason.id });
    expect(signedPast.statusCode).toBe(410);
    expect(signedPast.body).toContain("This link has expired");
    expect((await postJson(past, { reason_id: reason.id })).json().error.code).toBe("link_expired");
    await flow
      .db()
      .updateTable("emails")
      .set({ link_expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", email?.id ?? "")
      .execute();
    expect((await get(path)).statusCode).toBe(410);
    expect((await postForm(path, { reason_id: reason.id })).statusCode).toBe(410);
  });

  it("altered (another email's id, a later expiry, a changed signature, cut short): 400", async () => {
    const { path, email } = await emailed("ned@example.com");
    const other = await emailed("ola@example.com");
    const [id, expires, keyId, mac] = path.slice(3).split(".");
    const reason = await firstReason();
    const forged = [
      `/r/${other.email?.id}.${expires}.${keyId}.${mac}`,
      `/r/${id}.${Number(expires) + 86_400}.${keyId}.${mac}`,
      `/r/${id}.${expires}.${keyId}.${mac?.slice(0, -2)}AA`,
      `/r/${id}.${expires}.${keyId}`,
      `/r/${id}.${expires}.00000000.${mac}`,
    ];
    for (const url of forged) {
      const page = await postForm(url, { reason_id: reason.id });
      expect(page.statusCode, url).toBe(400);
      expect(page.body).toContain("This link does not work");
      const json = await postJson(url, { reason_id: reason.id });
      expect(json.json().error.code, url).toBe("link_invalid");
      expect((await get(url)).statusCode, url).toBe(400);
    }
    // Neither link was used by the forgeries.
    expect((await flow.emailOf(email?.cancellation_id ?? ""))?.link_used_at).toBeNull();
    expect((await postForm(path, { reason_id: reason.id })).statusCode).toBe(200);
  });
});

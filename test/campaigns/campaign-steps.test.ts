import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepositories } from "../../src/db/repositories/index.js";
import { runCampaigns, utcDayStart } from "../../src/mail/campaign-tick.js";
import { createWorker } from "../../src/server/worker.js";
import { testSecrets } from "../helpers/secrets.js";
import { smtpSink } from "../mail/smtp-sink.js";
import { liveSync } from "../sync/live.js";
import { silentLog } from "../sync/setup.js";
import { at, campaignFlow, campaignMailTo, DAY_MS, NUMBERED_STEPS } from "./campaign-flow.js";

const smtp = await smtpSink();
afterAll(() => smtp.close());
const live = await liveSync({ SMTP_URL: smtp.url, MAIL_FROM: "Acme <hello@acme.test>" });
const campaigns = campaignFlow(live);
const { flow } = campaigns;
const mailTo = (address: string) => campaignMailTo(smtp.received, address);
const subjects = (mails: ParsedMail[]) => mails.map((mail) => mail.subject);

/** The one-click unsubscribe URL of a campaign email's List-Unsubscribe header. */
function unsubscribeUrlOf(mail: ParsedMail): string {
  const line = mail.headerLines.find((h) => h.key === "list-unsubscribe")?.line ?? "";
  const url = /<(https?:\/\/[^>]+)>/.exec(line)?.[1];
  if (!url) throw new Error(`no unsubscribe URL in ${line}`);
  return url;
}

let tooExpensive: string;
let otherReason: string;

beforeAll(async () => {
  const [first, second] = await campaigns.reasons();
  if (!first || !second) throw new Error("the account has no reasons");
  tooExpensive = first.id;
  otherReason = second.id;
  await campaigns.createCampaign({
    name: "Price win-back",
    reason_ids: [tooExpensive],
    steps: NUMBERED_STEPS,
  });
});

describe("a campaign's steps, on a controlled clock", () => {
  it("each step arrives by SMTP at its time and not before: 60 days after the end, +2, +7, +7", async () => {
    const { cancellation, endedAt } = await campaigns.ended(
      "ann@example.com",
      tooExpensive,
      "Ann <b>Lee</b>",
    );
    const schedule = [60, 62, 69, 76];
    for (const [index, day] of schedule.entries()) {
      await campaigns.tick(at(endedAt, day, -60_000));
      expect(subjects(mailTo("ann@example.com"))).toHaveLength(index);
      await campaigns.tick(at(endedAt, day));
      expect(subjects(mailTo("ann@example.com"))).toHaveLength(index + 1);
    }
    await campaigns.tick(at(endedAt, 400));
    const mails = mailTo("ann@example.com");
    expect(subjects(mails)).toEqual([
      "Step 1 for Ann <b>Lee</b>",
      "Step 2 for Ann <b>Lee</b>",
      "Step 3 for Ann <b>Lee</b>",
      "Step 4 for Ann <b>Lee</b>",
    ]);
    const [first] = mails;
    const reason = (await campaigns.reasons())[0]?.text ?? "";
    expect(first?.text).toContain(`You left Pro because: ${reason}.`);
    // The customer's name is text in the HTML part, never markup.
    expect(first?.html).toContain("Hello Ann &lt;b&gt;Lee&lt;/b&gt;,");
    expect(first?.html).not.toContain("<b>Lee</b>");
    expect(first?.from?.text).toBe('"Acme" <hello@acme.test>');
    // RFC 8058: a one-click unsubscribe by POST to our own URL.
    const url = unsubscribeUrlOf(first as ParsedMail);
    expect(url.startsWith(`${live.config.publicUrl}/u/`)).toBe(true);
    expect(first?.headerLines).toContainEqual({
      key: "list-unsubscribe-post",
      line: "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    });
    expect(first?.text).toContain(url);
    expect(await campaigns.enrollmentOf(cancellation.id)).toMatchObject({
      state: "completed",
      next_step: 4,
      next_at: null,
    });
  });

  it("sends nothing more after a one-click unsubscribe, which a GET of the link does not do", async () => {
    const { cancellation, endedAt } = await campaigns.ended("bob@example.com", tooExpensive);
    await campaigns.tick(at(endedAt, 60));
    const [first] = mailTo("bob@example.com");
    const url = new URL(unsubscribeUrlOf(first as ParsedMail));
    const app = live.server().app;
    // A mail scanner opening the link unsubscribes no one: the page asks first.
    const page = await app.inject({ url: url.pathname, headers: { accept: "text/html" } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post">');
    expect(await campaigns.enrollmentOf(cancellation.id)).toMatchObject({ state: "active" });

    const posted = await app.inject({
      method: "POST",
      url: url.pathname,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(posted.statusCode).toBe(200);
    expect(posted.json()).toEqual({ unsubscribed: true });
    expect(await campaigns.enrollmentOf(cancellation.id)).toMatchObject({
      state: "unsubscribed",
      next_at: null,
    });
    for (const day of [62, 69, 76, 200]) await campaigns.tick(at(endedAt, day));
    expect(mailTo("bob@example.com")).toHaveLength(1);
  });

  it("an unsubscribe stops a step already queued, and every campaign of the account for that address", async () => {
    const { cancellation, endedAt } = await campaigns.ended("cleo@example.com", tooExpensive);
    await campaigns.tick(at(endedAt, 60));
    const [first] = mailTo("cleo@example.com");
    const url = new URL(unsubscribeUrlOf(first as ParsedMail));
    // Step 2 queued (its job not run yet), then the unsubscribe.
    await runCampaigns(live.repos(), live.server().accountId, at(endedAt, 62));
    const posted = await live.server().app.inject({ method: "POST", url: url.pathname });
    expect(posted.statusCode).toBe(200);
    await live.drain();
    expect(mailTo("cleo@example.com")).toHaveLength(1);
    const skipped = await flow
      .db()
      .selectFrom("emails")
      .selectAll()
      .where("cancellation_id", "=", cancellation.id)
      .where("step_index", "=", 1)
      .executeTakeFirstOrThrow();
    expect(skipped).toMatchObject({ status: "skipped", error: "unsubscribed" });
    // A later cancellation of the same address is enrolled unsubscribed: nothing is sent.
    const again = await campaigns.ended("cleo@example.com", tooExpensive);
    await campaigns.tick(at(again.endedAt, 60));
    expect(mailTo("cleo@example.com")).toHaveLength(1);
    expect(await campaigns.enrollmentOf(again.cancellation.id)).toMatchObject({
      state: "unsubscribed",
    });
  });

  it("stops when the customer subscribes again", async () => {
    const { customer, cancellation, endedAt } = await campaigns.ended(
      "cara@example.com",
      tooExpensive,
    );
    await campaigns.tick(at(endedAt, 60));
    expect(mailTo("cara@example.com")).toHaveLength(1);
    live.stripe.createSubscription({ customer: customer.id, items: [{ price: flow.pro.id }] });
    expect(await live.send(live.lastEvent())).toBe(200);
    await live.drain();
    // Stopped when the sync sees the new subscription, before any tick.
    expect(await campaigns.enrollmentOf(cancellation.id)).toMatchObject({
      state: "stopped",
      stop_reason: "resubscribed",
      next_at: null,
    });
    for (const day of [62, 69, 76]) await campaigns.tick(at(endedAt, day));
    expect(mailTo("cara@example.com")).toHaveLength(1);
    expect(await campaigns.enrollmentOf(cancellation.id)).toMatchObject({
      state: "stopped",
      stop_reason: "resubscribed",
    });
  });

  it("a customer who subscribed again before the tick enrolled them gets nothing", async () => {
    const { customer, cancellation, endedAt } = await campaigns.ended(
      "cid@example.com",
      tooExpensive,
    );
    live.stripe.createSubscription({ customer: customer.id, items: [{ price: flow.pro.id }] });
    expect(await live.send(live.lastEvent())).toBe(200);
    await live.drain();
    for (const day of [60, 62, 69, 76]) await campaigns.tick(at(endedAt, day));
    expect(mailTo("cid@example.com")).toEqual([]);
    expect(await campaigns.enrollmentOf(cancellation.id)).toMatchObject({
      state: "stopped",
      stop_reason: "resubscribed",
    });
  });

  it("the account's tick job, run by a worker, decides by the worker's clock", async () => {
    const { cancellation, endedAt } = await campaigns.ended("hal@example.com", tooExpensive);
    const clock = { now: at(endedAt, 60, -60_000).getTime() };
    const worker = createWorker({
      config: live.config,
      database: live.server().database,
      secrets: testSecrets,
      log: silentLog,
      now: () => clock.now,
    });
    /** The tick made due by the database's clock (when jobs run), then the worker drained. */
    async function runTick() {
      await flow
        .db()
        .updateTable("jobs")
        .set({ run_at: new Date(0) })
        .where("kind", "=", "campaign.tick")
        .execute();
      while ((await worker.runOnce()) > 0) {}
    }
    await runTick();
    expect(await campaigns.enrollmentOf(cancellation.id)).toMatchObject({ next_step: 0 });
    expect(mailTo("hal@example.com")).toEqual([]);
    clock.now = at(endedAt, 60).getTime();
    await runTick();
    expect(subjects(mailTo("hal@example.com"))).toEqual(["Step 1 for"]);
  });

  it("enrolls only voluntary cancellations put down to one of its reasons", async () => {
    const other = await campaigns.ended("dora@example.com", otherReason);
    await campaigns.tick(at(other.endedAt, 60));
    expect(await campaigns.enrollmentOf(other.cancellation.id)).toBeUndefined();
    expect(mailTo("dora@example.com")).toEqual([]);
  });

  it("two workers ticking and sending side by side send each step once", async () => {
    const { cancellation, endedAt } = await campaigns.ended("dan@example.com", tooExpensive);
    const { database } = live.server();
    const workers = [1, 2].map(() =>
      createWorker({ config: live.config, database, secrets: testSecrets, log: silentLog }),
    );
    const accountId = live.server().accountId;
    for (const day of [60, 62, 69, 76]) {
      await Promise.all(
        [1, 2].map(() =>
          runCampaigns(
            createRepositories(database.db, { secrets: testSecrets }),
            accountId,
            at(endedAt, day),
          ),
        ),
      );
      await Promise.all(workers.map((worker) => worker.runOnce()));
      await Promise.all(workers.map((worker) => worker.runOnce()));
    }
    expect(subjects(mailTo("dan@example.com"))).toEqual([
      "Step 1 for",
      "Step 2 for",
      "Step 3 for",
      "Step 4 for",
    ]);
    expect(await campaigns.enrollmentOf(cancellation.id)).toMatchObject({ state: "completed" });
  });

  it("over the account's daily limit, steps wait for the next day instead of being dropped", async () => {
    // One after another: each delivers "the newest event" at Stripe, which must be its own.
    const started = [];
    for (const name of ["eve", "fay", "gil"]) {
      started.push(await campaigns.ended(`${name}@example.com`, tooExpensive));
    }
    const latest = Math.max(...started.map((s) => s.endedAt.getTime()));
    // A day of its own, far from the other tests' (their emails count towards theirs).
    const day = new Date(utcDayStart(at(new Date(latest), 500)).getTime() + 12 * 3600_000);
    const accountId = live.server().accountId;
    const used = await live.repos().emails.campaignEmailsOn(accountId, utcDayStart(day));
    expect(used).toBe(0);
    const limited = await campaigns
      .owner()
      .request("PATCH", `${campaigns.base()}/campaign-settings`, { daily_limit: 2 });
    expect(limited.json()).toEqual({ daily_limit: 2 });
    const received = () =>
      ["eve", "fay", "gil"].flatMap((name) => mailTo(`${name}@example.com`)).length;

    await campaigns.tick(day);
    expect(received()).toBe(2);
    await campaigns.tick(new Date(day.getTime() + 11 * 3600_000));
    expect(received()).toBe(2);
    await campaigns.tick(new Date(utcDayStart(day).getTime() + DAY_MS));
    expect(received()).toBe(3);
    const states = await Promise.all(started.map((s) => campaigns.enrollmentOf(s.cancellation.id)));
    expect(states.map((s) => s?.next_step)).toEqual([1, 1, 1]);
  });
});

describe("a test send", () => {
  it("goes by SMTP to the address given, with the sample values, marked as a test", async () => {
    const list = await campaigns.owner().request("GET", `${campaigns.base()}/campaigns`);
    const campaign = list.json().campaigns[0];
    const sent = await campaigns
      .owner()
      .request("POST", `${campaigns.base()}/campaigns/${campaign.id}/test-send`, {
        to: "owner@acme.test",
        step_index: 1,
      });
    expect(sent.statusCode).toBe(202);
    await live.drain();
    const [mail, ...more] = mailTo("owner@acme.test");
    expect(more).toEqual([]);
    expect(mail?.subject).toBe("Step 2 for Ann Example");
    const email = await live.repos().emails.find(sent.json().email_id);
    expect(email).toMatchObject({ kind: "campaign", is_test: true, status: "sent" });
  });
});

import { afterAll, describe, expect, it } from "vitest";
import {
  exhaustPaymentRetries,
  keepSubscription,
} from "../../src/billing/stripe/fake/subscription-changes.js";
import { newId } from "../../src/db/ids.js";
import { queueReasonEmail } from "../../src/mail/reason-email.js";
import { emailSend } from "../../src/mail/send-email.js";
import { createWorker } from "../../src/server/worker.js";
import { postWidgetEvent } from "../helpers/api.js";
import { jobContext } from "../helpers/job-context.js";
import { testSecrets } from "../helpers/secrets.js";
import { liveSync } from "../sync/live.js";
import { silentLog } from "../sync/setup.js";
import { reasonFlow } from "./reason-flow.js";
import { smtpSink } from "./smtp-sink.js";

const smtp = await smtpSink();
afterAll(() => smtp.close());
const live = await liveSync({ SMTP_URL: smtp.url, MAIL_FROM: "Acme <hello@acme.test>" });
const flow = reasonFlow(live);

/** The messages the SMTP server got for one address. */
const receivedBy = (address: string) =>
  smtp.received.filter((mail) => mail.to && JSON.stringify(mail.to).includes(address));

describe("the reason email, after a voluntary cancellation at the provider with no answer", () => {
  it("waits for the account's delay, then arrives by SMTP with a link to the form", async () => {
    const { cancellation } = await flow.cancelled("ann@example.com");
    const email = await flow.emailOf(cancellation.id);
    expect(email).toMatchObject({ kind: "reason", status: "scheduled" });
    const job = await flow
      .db()
      .selectFrom("jobs")
      .selectAll()
      .where("dedupe_key", "=", email?.id ?? "")
      .executeTakeFirstOrThrow();
    // Queued with the cancellation, due an hour later (the default delay).
    const dueInMinutes = (new Date(job.run_at).getTime() - Date.now()) / 60_000;
    expect(dueInMinutes).toBeGreaterThan(58);
    expect(dueInMinutes).toBeLessThanOrEqual(60);
    await live.drain();
    expect(receivedBy("ann@example.com")).toEqual([]);

    await flow.delayPasses(email?.id ?? "");
    const [mail, ...more] = receivedBy("ann@example.com");
    expect(more).toEqual([]);
    expect(mail?.subject).toBe("Why did you cancel your Acme Test subscription?");
    expect(mail?.from?.text).toBe('"Acme" <hello@acme.test>');
    expect(mail?.text).toMatch(new RegExp(`${live.config.publicUrl}/r/${email?.id}\\.\\d+\\.`));
    expect(mail?.html).toContain("Tell us why you cancelled");
    const sent = await flow.emailOf(cancellation.id);
    expect(sent).toMatchObject({
      status: "sent",
      to_address: "ann@example.com",
      error: null,
      // Sent mail is not copied into the log: only the outbox keeps messages.
      body_text: null,
      body_html: null,
    });
    expect(sent?.sent_at).not.toBeNull();
  });

  it("is not sent when an answer linked to the cancellation meanwhile", async () => {
    const { customer, sub, cancellation } = await flow.cancelled("bob@example.com");
    const config = await live.server().app.inject({
      url: `/api/widget/config?access_token_id=${live.server().accessTokenId}`,
    });
    const answer = await postWidgetEvent(live.server(), {
      access_token_id: live.server().accessTokenId,
      customer_oid: customer.id,
      subscription_oids: [sub.id],
      reason_id: config.json().reasons[0].id,
      test_mode: true,
      idempotency_key: newId("evt"),
    });
    expect(answer.statusCode).toBe(201);
    const email = await flow.emailOf(cancellation.id);
    await flow.delayPasses(email?.id ?? "");
    expect(receivedBy("bob@example.com")).toEqual([]);
    expect(await flow.emailOf(cancellation.id)).toMatchObject({
      status: "skipped",
      error: "answered",
    });
  });

  it("is not sent when the customer resubscribed meanwhile", async () => {
    const { sub, cancellation } = await flow.cancelled("ron@example.com");
    await flow.change(sub.id, keepSubscription());
    const email = await flow.emailOf(cancellation.id);
    await flow.delayPasses(email?.id ?? "");
    expect(receivedBy("ron@example.com")).toEqual([]);
    expect(await flow.emailOf(cancellation.id)).toMatchObject({
      status: "skipped",
      error: "reactivated",
    });
  });

  it("refused by the SMTP server: retried later, the address kept out of the job's error", async () => {
    const { cancellation } = await flow.cancelled("sam@example.com");
    const email = await flow.emailOf(cancellation.id);
    smtp.state.refuse = true;
    try {
      await flow.delayPasses(email?.id ?? "");
    } finally {
      smtp.state.refuse = false;
    }
    expect(receivedBy("sam@example.com")).toEqual([]);
    const refused = await flow.emailOf(cancellation.id);
    expect(refused?.status).toBe("scheduled");
    // The account's own log says why; the job's error (which workers log) names no one.
    expect(refused?.error).toContain("sam@example.com");
    const job = await flow
      .db()
      .selectFrom("jobs")
      .selectAll()
      .where("dedupe_key", "=", email?.id ?? "")
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: "pending", attempts: 1 });
    expect(job.last_error).toMatch(/^SMTP send failed \(/);
    expect(job.last_error).not.toContain("sam@example.com");
    // The retry goes through.
    await flow.delayPasses(email?.id ?? "");
    expect(receivedBy("sam@example.com")).toHaveLength(1);
    expect(await flow.emailOf(cancellation.id)).toMatchObject({ status: "sent", error: null });
  });

  it("is skipped when the provider knows no address for the customer", async () => {
    const { cancellation } = await flow.cancelled(null);
    const email = await flow.emailOf(cancellation.id);
    await flow.delayPasses(email?.id ?? "");
    expect(await flow.emailOf(cancellation.id)).toMatchObject({
      status: "skipped",
      error: "no_customer_email",
    });
  });

  it("is never queued for a payment failure (involuntary)", async () => {
    const { sub } = await flow.subscribed("carl@example.com");
    await flow.change(sub.id, exhaustPaymentRetries());
    const cancellation = await flow
      .db()
      .selectFrom("cancellations")
      .selectAll()
      .where("subscription_id", "=", sub.id)
      .executeTakeFirstOrThrow();
    expect(cancellation.voluntary).toBe(false);
    expect(await flow.emailOf(cancellation.id)).toBeUndefined();
  });

  it("is never queued for a cancellation first seen more than a day after it was asked for", async () => {
    const { cancellation } = await flow.cancelled("dee@example.com");
    const repos = live.repos();
    // The same cancellation seen by a backfill of old data: 25 hours late.
    await flow.db().deleteFrom("emails").where("cancellation_id", "=", cancellation.id).execute();
    const late = Date.now() + 25 * 3600_000;
    expect(await queueReasonEmail(repos, cancellation, 0, late)).toBeUndefined();
    expect(await flow.emailOf(cancellation.id)).toBeUndefined();
    // 23 hours late still asks.
    const inTime = Date.now() + 23 * 3600_000;
    expect(await queueReasonEmail(repos, cancellation, 0, inTime)).toMatchObject({
      status: "scheduled",
    });
    // And once only, however often it is seen.
    expect(await queueReasonEmail(repos, cancellation, 0, inTime)).toBeUndefined();
  });
});

describe("two workers", () => {
  const context = (attempt: number) =>
    jobContext(
      {
        db: live.server().database.db,
        secrets: testSecrets,
        config: live.config,
        log: silentLog,
        now: Date.now,
      },
      live.server().accountId,
      attempt,
    );

  it("that both run the email's job (a stalled lease taken over) send it once", async () => {
    const { cancellation } = await flow.cancelled("eve@example.com");
    const email = await flow.emailOf(cancellation.id);
    const payload = { emailId: email?.id ?? "" };
    await Promise.all([emailSend.run(payload, context(1)), emailSend.run(payload, context(1))]);
    // A third run, after a crash mid-send, does not risk a second message either.
    await emailSend.run(payload, context(2));
    expect(receivedBy("eve@example.com")).toHaveLength(1);
    expect(await flow.emailOf(cancellation.id)).toMatchObject({ status: "sent" });
  });

  it("draining the queue side by side send each email once", async () => {
    const { cancellation } = await flow.cancelled("tom@example.com");
    const email = await flow.emailOf(cancellation.id);
    const workers = [1, 2].map(() =>
      createWorker({
        config: live.config,
        database: live.server().database,
        secrets: testSecrets,
        log: silentLog,
      }),
    );
    await flow
      .db()
      .updateTable("jobs")
      .set({ run_at: new Date() })
      .where("dedupe_key", "=", email?.id ?? "")
      .execute();
    await Promise.all(workers.map((w) => w.runOnce()));
    await Promise.all(workers.map((w) => w.runOnce()));
    expect(receivedBy("tom@example.com")).toHaveLength(1);
  });

  it("enqueueing the email's job twice finds the first job", async () => {
    const { cancellation } = await flow.cancelled("fay@example.com");
    const email = await flow.emailOf(cancellation.id);
    const again = await emailSend.enqueue(
      live.server().database.db,
      { emailId: email?.id ?? "" },
      { dedupeKey: email?.id ?? "", accountId: live.server().accountId },
    );
    expect(again.queued).toBe(false);
    await flow.delayPasses(email?.id ?? "");
    expect(receivedBy("fay@example.com")).toHaveLength(1);
  });
});

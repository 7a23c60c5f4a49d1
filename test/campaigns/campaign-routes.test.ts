import { beforeAll, describe, expect, it } from "vitest";
import { unsubscribeToken } from "../../src/mail/unsubscribe-link.js";
import { testSecrets } from "../helpers/secrets.js";
import { liveSync } from "../sync/live.js";
import { campaignFlow, NUMBERED_STEPS } from "./campaign-flow.js";

// No SMTP_URL: test sends go to the outbox.
const live = await liveSync();
const campaigns = campaignFlow(live);
const owner = () => campaigns.owner();
const url = (rest: string) => `${campaigns.base()}${rest}`;

let reasonId: string;
let reasonText: string;
let offerId: string;

beforeAll(async () => {
  const [reason] = await campaigns.reasons();
  if (!reason) throw new Error("the account has no reasons");
  reasonId = reason.id;
  reasonText = reason.text;
  const offer = await live.repos().offers.create(live.server().accountId, {
    kind: "contact_link",
    title: "A call with <our> founder",
    description: null,
    params: { url: "https://acme.test/call" },
    reason_ids: [reasonId],
    plan: null,
    min_tenure_days: null,
    max_tenure_days: null,
    billing_interval: null,
    active: true,
  });
  offerId = offer.id;
});

describe("writing campaigns", () => {
  it("without steps, a campaign gets the default sequence: 60 days after the end, +2, +7, +7", async () => {
    const campaign = await campaigns.createCampaign({ name: "Defaults", reason_ids: [reasonId] });
    expect(campaign.steps.map((s) => s.delay_days)).toEqual([60, 2, 7, 7]);
    const listed = (await campaigns.member().request("GET", url("/campaigns"))).json();
    expect(listed.daily_limit).toBe(200);
    expect(listed.campaigns.map((c: { id: string }) => c.id)).toContain(campaign.id);
    // Saving an active campaign starts the account's tick.
    const tick = await campaigns.flow
      .db()
      .selectFrom("jobs")
      .selectAll()
      .where("kind", "=", "campaign.tick")
      .executeTakeFirst();
    expect(tick).toMatchObject({ dedupe_key: `campaign-tick:${live.server().accountId}` });
    // The worker runs it, and it comes back a quarter of an hour later while there is work.
    await live.drain();
    const again = await campaigns.flow
      .db()
      .selectFrom("jobs")
      .selectAll()
      .where("id", "=", tick?.id ?? "")
      .executeTakeFirstOrThrow();
    expect(again.status).toBe("pending");
    // Both by the database's clock, in the statement that settled the run.
    const gap = new Date(again.run_at).getTime() - new Date(again.updated_at).getTime();
    expect(gap).toBe(15 * 60_000);
  });

  it("refuses templates with an unknown variable or unbalanced braces, naming the field", async () => {
    const cases: [Record<string, string>, number, string, string][] = [
      [{ body: "Hello {{nmae}}" }, 1, "steps[1].body", "{{nmae}}"],
      [{ subject: "Hello {{name" }, 0, "steps[0].subject", "never closed"],
      [{ body: "Hello name}}" }, 2, "steps[2].body", "no {{"],
      [{ body: "Take {{offer}}" }, 3, "steps[3].body", "no offer_id"],
    ];
    for (const [change, index, field, words] of cases) {
      const steps = NUMBERED_STEPS.map((step, i) => (i === index ? { ...step, ...change } : step));
      const refused = await owner().request("POST", url("/campaigns"), {
        name: "Broken",
        reason_ids: [reasonId],
        steps,
      });
      expect(refused.statusCode, field).toBe(422);
      expect(refused.json().error).toMatchObject({ code: "invalid_template", field });
      expect(refused.json().error.message).toContain(words);
    }
  });

  it("refuses another account's reason or offer on its field, and a member's write", async () => {
    const reason = await owner().request("POST", url("/campaigns"), {
      name: "Bad reason",
      reason_ids: ["rsn_notours"],
    });
    expect(reason.statusCode).toBe(422);
    expect(reason.json().error).toMatchObject({ code: "unknown_reason", field: "reason_ids" });
    const offer = await owner().request("POST", url("/campaigns"), {
      name: "Bad offer",
      reason_ids: [reasonId],
      offer_id: "ofr_notours",
    });
    expect(offer.json().error).toMatchObject({ code: "unknown_offer", field: "offer_id" });
    const member = await campaigns.member().request("POST", url("/campaigns"), {
      name: "Member",
      reason_ids: [reasonId],
    });
    expect(member.statusCode).toBe(403);
  });

  it("changes and deletes a campaign", async () => {
    const campaign = await campaigns.createCampaign({ name: "Edit me", reason_ids: [reasonId] });
    const changed = await owner().request("PUT", url(`/campaigns/${campaign.id}`), {
      name: "Edited",
      reason_ids: [reasonId],
      offer_id: offerId,
      steps: [{ delay_days: 30, subject: "{{offer}}", body: "Try {{offer}}" }],
      active: false,
    });
    expect(changed.json().campaign).toMatchObject({
      name: "Edited",
      offer_id: offerId,
      active: false,
      steps: [{ delay_days: 30 }],
    });
    expect((await owner().request("DELETE", url(`/campaigns/${campaign.id}`))).statusCode).toBe(
      204,
    );
    expect((await owner().request("GET", url(`/campaigns/${campaign.id}`))).statusCode).toBe(404);
  });
});

describe("preview", () => {
  const step = {
    delay_days: 60,
    subject: "{{name}}, about {{plan}}",
    body: "Dear {{name}},\n\nYou left because: {{reason}}.\n\nHere is {{offer}}.",
  };

  it("renders a step with sample values, the offer's title escaped in the HTML", async () => {
    const preview = await owner().request("POST", url("/campaigns/preview"), {
      step,
      offer_id: offerId,
      reason_ids: [reasonId],
    });
    expect(preview.statusCode).toBe(200);
    const { subject, text, html } = preview.json();
    expect(subject).toBe("Ann Example, about Pro");
    expect(text).toContain(`You left because: ${reasonText}.`);
    expect(text).toContain("Here is A call with <our> founder.");
    expect(html).toContain("<p>Here is A call with &lt;our&gt; founder.</p>");
  });

  it("renders a step with a cancellation's own values", async () => {
    const { cancellation } = await campaigns.ended("nia@example.com", reasonId, "Nia <i>N</i>");
    const preview = await owner().request("POST", url("/campaigns/preview"), {
      step,
      offer_id: offerId,
      cancellation_id: cancellation.id,
    });
    expect(preview.json().subject).toBe("Nia <i>N</i>, about Pro");
    expect(preview.json().html).toContain("Nia &lt;i&gt;N&lt;/i&gt;");
    const unknown = await owner().request("POST", url("/campaigns/preview"), {
      step,
      offer_id: offerId,
      cancellation_id: "can_notours",
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.field).toBe("cancellation_id");
  });

  it("names the broken field of the step being edited", async () => {
    const refused = await owner().request("POST", url("/campaigns/preview"), {
      step: { ...step, subject: "Hi {{first_name}}" },
      offer_id: offerId,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: "invalid_template", field: "step.subject" });
  });
});

describe("a test send without SMTP", () => {
  it("goes to the outbox, marked as a test, with the sample values", async () => {
    const campaign = await campaigns.createCampaign({
      name: "Outbox",
      reason_ids: [reasonId],
      steps: NUMBERED_STEPS,
    });
    const sent = await owner().request("POST", url(`/campaigns/${campaign.id}/test-send`), {
      to: "owner@acme.test",
    });
    expect(sent.statusCode).toBe(202);
    await live.drain();
    const log = (await owner().request("GET", url("/emails"))).json();
    const email = log.emails.find((e: { id: string }) => e.id === sent.json().email_id);
    expect(email).toMatchObject({
      kind: "campaign",
      is_test: true,
      status: "outbox",
      to: "owner@acme.test",
      subject: "Step 1 for Ann Example",
      campaign_id: campaign.id,
      step_index: 0,
    });
    expect(email.message.text).toContain(`${live.config.publicUrl}/u/`);
    const badStep = await owner().request("POST", url(`/campaigns/${campaign.id}/test-send`), {
      to: "owner@acme.test",
      step_index: 7,
    });
    expect(badStep.json().error.field).toBe("step_index");
    const badAddress = await owner().request("POST", url(`/campaigns/${campaign.id}/test-send`), {
      to: "not an address",
    });
    expect(badAddress.json().error.field).toBe("to");
  });
});

describe("the unsubscribe link", () => {
  it("refuses a tampered token with 400, as JSON or as a page, and unsubscribes no one", async () => {
    const campaign = await campaigns.createCampaign({ name: "Links", reason_ids: [reasonId] });
    const sent = await owner().request("POST", url(`/campaigns/${campaign.id}/test-send`), {
      to: "tess@example.com",
    });
    const token = unsubscribeToken(testSecrets, sent.json().email_id);
    const tampered = `${token.slice(0, -2)}${token.endsWith("aa") ? "bb" : "aa"}`;
    const app = live.server().app;
    for (const bad of [tampered, "eml_x", `${token}.extra`]) {
      const json = await app.inject({ method: "POST", url: `/u/${bad}` });
      expect(json.statusCode).toBe(400);
      expect(json.json().error.code).toBe("unsubscribe_link_invalid");
      const page = await app.inject({ url: `/u/${bad}`, headers: { accept: "text/html" } });
      expect(page.statusCode).toBe(400);
      expect(page.headers["content-type"]).toContain("text/html");
    }
    expect(
      await live.repos().campaigns.isUnsubscribed(live.server().accountId, "tess@example.com"),
    ).toBe(false);
    // The token as signed works, for a browser too.
    const done = await app.inject({
      method: "POST",
      url: `/u/${token}`,
      headers: { accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain("Unsubscribed");
    expect(
      await live.repos().campaigns.isUnsubscribed(live.server().accountId, "TESS@example.com"),
    ).toBe(true);
  });
});

describe("enrollments", () => {
  it("lists the account's enrollments, of one campaign if asked", async () => {
    const list = await campaigns.member().request("GET", url("/campaigns"));
    const first = list.json().campaigns[0];
    const { cancellation, endedAt } = await campaigns.ended("ola@example.com", reasonId);
    await campaigns.tick(endedAt);
    const page = await campaigns
      .member()
      .request("GET", url(`/campaign-enrollments?campaign_id=${first.id}`));
    expect(page.statusCode).toBe(200);
    expect(page.json().enrollments).toContainEqual(
      expect.objectContaining({
        cancellation_id: cancellation.id,
        campaign_id: first.id,
        email: "ola@example.com",
        state: "active",
        next_step: 0,
        next_at: new Date(endedAt.getTime() + 60 * 86_400_000).toISOString(),
      }),
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/db/ids.js";
import {
  escapeMrkdwn,
  formatMrr,
  slackRetentionMessage,
} from "../../src/webhooks/slack-message.js";
import { waitFor } from "../helpers/browser.js";
import { createReceiver, type Receiver } from "./receiver.js";
import { startWebhookTest, type WebhookTestEnv } from "./setup.js";

let env: WebhookTestEnv;
let slack: Receiver;
beforeAll(async () => {
  env = await startWebhookTest();
  slack = await createReceiver();
  await slack.up();
});
afterAll(async () => {
  await slack.down();
  await env.server.close();
});

const COMMENT = "Ping <!channel> & see <https://evil.example.com|this> > that";

async function nextMessage(count: number) {
  const [message] = await waitFor(
    () => (slack.accepted().length >= count ? slack.accepted().slice(count - 1) : null),
    `Slack message ${count}`,
  );
  return message as NonNullable<typeof message>;
}

describe("a Slack endpoint", () => {
  it("posts a readable, escaped message with customer, reason, comment, MRR, test marker and link", async () => {
    const endpoint = await env.addEndpoint({ url: slack.url, kind: "slack", include_test: true });
    expect(endpoint).toMatchObject({ kind: "slack" });
    // As the billing sync leaves an event: MRR and plan known.
    await env.server.database.db
      .insertInto("events")
      .values({
        account_id: env.server.accountId,
        id: newId("evt"),
        kind: "answer",
        source: "api",
        reason_id: env.reason.id,
        reason_text: env.reason.text,
        comment: COMMENT,
        customer_oid: "cus_big&co",
        subscription_oids: [],
        test_mode: true,
        idempotency_key: null,
        locale: "en",
        mrr_amount: 129900,
        mrr_currency: "usd",
        plan: "Enterprise",
      })
      .execute();
    const message = await nextMessage(1);

    // Slack verifies nothing: no signature to leak the secret's work.
    expect(message.headers["cancel-insights-signature"]).toBeUndefined();
    expect(message.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(message.body);
    const text = JSON.stringify(body.blocks);
    expect(body.text).toBe(
      `cus_big&amp;co cancelled [test]: ${escapeMrkdwn(env.reason.text)} ($1,299.00 MRR)`,
    );
    const link = `https://insights.example.com/accounts/${env.server.accountId}/customers?oid=cus_big%26co`;
    expect(body.blocks[0].text.text).toBe(`*<${link}|cus_big&amp;co>* cancelled [test]`);
    expect(body.blocks[0].fields).toEqual([
      { type: "mrkdwn", text: `*Reason*\n${escapeMrkdwn(env.reason.text)}` },
      { type: "mrkdwn", text: "*MRR*\n$1,299.00" },
      { type: "mrkdwn", text: "*Plan*\nEnterprise" },
    ]);
    // The comment is quoted, its markup shown as text: no @channel, no disguised link.
    expect(body.blocks[1].text.text).toBe(
      "> Ping &lt;!channel&gt; &amp; see &lt;https://evil.example.com|this&gt; &gt; that",
    );
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://evil");
    expect(body.blocks[2].elements[0].text).toContain("test mode");
  });

  it("says a skip skipped the question, leaves out an unknown MRR, and answers a ping", async () => {
    await env.postEvent({ kind: "skip", reason_id: undefined, customer_oid: "cus_quiet" });
    const skip = JSON.parse((await nextMessage(2)).body);
    expect(skip.text).toBe("cus_quiet cancelled: (skipped the question)");
    expect(skip.blocks[0].fields).toHaveLength(1);
    expect(JSON.stringify(skip.blocks)).not.toContain("MRR");

    const [endpoint] = (await env.owner.request("GET", `${env.base}/webhooks`)).json().endpoints;
    const ping = await env.owner.request("POST", `${env.base}/webhooks/${endpoint.id}/ping`);
    expect(ping.statusCode).toBe(202);
    expect(JSON.parse((await nextMessage(3)).body).text).toMatch(/Cancel Insights is connected/);
  });
});

describe("MRR in Slack", () => {
  it("is formatted in its own currency's units", () => {
    expect(formatMrr({ amount: 4900, currency: "usd" })).toBe("$49.00");
    expect(formatMrr({ amount: 4900, currency: "jpy" })).toBe("¥4,900");
    expect(formatMrr({ amount: 1250, currency: "eur" })).toBe("€12.50");
    expect(formatMrr({ amount: 1500, currency: "xyz1" })).toBe("15.00 XYZ1");
  });
});

describe("retention in Slack", () => {
  const retention = {
    acceptance_id: "ofa_1",
    offer_id: "ofr_1",
    offer_kind: "discount",
    customer_oid: "cus_<b>&",
    subscription_oid: "sub_1",
    test_mode: true,
    accepted_at: "2026-11-26T12:40:00.000Z",
    save: {
      status: "saved" as const,
      due_at: "2026-12-26T12:40:00.000Z",
      decided_at: "2026-12-27T00:00:00.000Z",
      saved_mrr: { amount: 4900, currency: "usd" },
      invoice_oid: "in_1",
    },
  };

  it("says who accepted, who was saved and the MRR kept, escaped, with the test marker", () => {
    const link = "https://insights.example.com/c";
    const saved = slackRetentionMessage("retention.saved", retention, link);
    expect(saved.text).toBe(
      "cus_&lt;b&gt;&amp; was saved by a retention offer (discount): $49.00 MRR kept [test]",
    );
    expect(JSON.stringify(saved.blocks)).toContain(`<${link}|cus_&lt;b&gt;&amp;>`);
    const accepted = slackRetentionMessage("retention.accepted", retention, link);
    expect(accepted.text).toBe("cus_&lt;b&gt;&amp; accepted a retention offer (discount) [test]");
  });
});

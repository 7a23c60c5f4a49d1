import type { ApiEvent } from "../contract/event.js";
import type { WebhookRetention } from "../contract/webhooks.js";

/** Slack's mrkdwn treats these three as markup; everything else is text. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** Minor units in the currency's own format: "$49.00", "¥4,900", "€12.50". */
export function formatMrr(mrr: { amount: number; currency: string }): string {
  const code = mrr.currency.toUpperCase();
  try {
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency: code });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(mrr.amount / 10 ** digits);
  } catch {
    return `${(mrr.amount / 100).toFixed(2)} ${code}`;
  }
}

// A section's text may hold 3000 characters; comments may be longer.
const COMMENT_LIMIT = 2500;

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

/**
 * A Slack incoming-webhook message for one cancellation: the text is the notification and
 * the fallback, the blocks are what people read. Every value from a customer is escaped.
 */
export function slackCancellationMessage(
  type: "cancellation.created" | "cancellation.updated",
  event: ApiEvent,
  customerUrl: string,
): SlackMessage {
  const verb = type === "cancellation.created" ? "cancelled" : "changed their answer";
  const test = event.test_mode ? " [test]" : "";
  const reason = event.reason ?? (event.kind === "skip" ? "(skipped the question)" : "(none)");
  const mrr = event.mrr ? formatMrr(event.mrr) : null;
  const customer = escapeMrkdwn(event.customer_oid);

  const fields = [
    { type: "mrkdwn", text: `*Reason*\n${escapeMrkdwn(reason)}` },
    ...(mrr ? [{ type: "mrkdwn", text: `*MRR*\n${mrr}` }] : []),
    ...(event.plan ? [{ type: "mrkdwn", text: `*Plan*\n${escapeMrkdwn(event.plan)}` }] : []),
  ];
  const blocks: unknown[] = [
    {
      type: "section",
      text: { type: "mrkdwn", text: `*<${customerUrl}|${customer}>* ${verb}${test}` },
      fields,
    },
  ];
  if (event.comment) {
    const quoted = escapeMrkdwn(clip(event.comment, COMMENT_LIMIT)).replace(/^/gm, "> ");
    blocks.push({ type: "section", text: { type: "mrkdwn", text: quoted } });
  }
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `Cancel Insights${event.test_mode ? " · test mode" : ""} · <${customerUrl}|Customer page>`,
      },
    ],
  });
  const summary = `${event.customer_oid} ${verb}${test}: ${reason}${mrr ? ` (${mrr} MRR)` : ""}`;
  return { text: escapeMrkdwn(summary), blocks };
}

export function slackPingMessage(): SlackMessage {
  const text = "Cancel Insights is connected: cancellations will be posted to this channel.";
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

/** A Slack message for an accepted offer, or one proven a save. */
export function slackRetentionMessage(
  type: "retention.accepted" | "retention.saved",
  retention: WebhookRetention,
  customerUrl: string,
): SlackMessage {
  const mrr = retention.save.saved_mrr ? formatMrr(retention.save.saved_mrr) : null;
  const what =
    type === "retention.accepted"
      ? `accepted a retention offer (${retention.offer_kind})`
      : `was saved by a retention offer (${retention.offer_kind})${mrr ? `: ${mrr} MRR kept` : ""}`;
  const test = retention.test_mode ? " [test]" : "";
  const customer = escapeMrkdwn(retention.customer_oid);
  const text = `*<${customerUrl}|${customer}>* ${escapeMrkdwn(what)}${test}`;
  return {
    text: escapeMrkdwn(`${retention.customer_oid} ${what}${test}`),
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
  };
}

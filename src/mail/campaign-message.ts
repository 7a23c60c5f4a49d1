import type { Repositories } from "../db/repositories/index.js";
import type { Campaign, CampaignStep, Cancellation, EmailRow } from "../db/schema.js";
import type { Keyring } from "../db/secrets/keyring.js";
import { escapeHtml } from "../escape-html.js";
import { renderHtml, renderText, type TemplateValues } from "./campaign-template.js";
import type { PreparedEmail } from "./reason-message.js";
import type { OutgoingEmail } from "./transport.js";
import { unsubscribeUrl } from "./unsubscribe-link.js";

/** What a preview or a test send fills in where no cancellation gives the values. */
export const SAMPLE_NAME = "Ann Example";
export const SAMPLE_PLAN = "Pro";

/**
 * The template's values: a cancellation's (its customer's name, its plan, the reason it is
 * put down to), or samples when none is given; the campaign's offer title either way.
 */
export async function campaignValues(
  repos: Repositories,
  campaign: Pick<Campaign, "account_id" | "offer_id" | "reason_ids">,
  cancellation: Cancellation | null,
  unsubscribe: string,
): Promise<TemplateValues> {
  const offer = campaign.offer_id
    ? await repos.offers.find(campaign.account_id, campaign.offer_id)
    : undefined;
  const base = { offer: offer?.title ?? "", unsubscribe_url: unsubscribe };
  if (cancellation === null) {
    const firstReason = campaign.reason_ids[0];
    const reason = firstReason ? await repos.reasons.find(campaign.account_id, firstReason) : null;
    return { ...base, name: SAMPLE_NAME, plan: SAMPLE_PLAN, reason: reason?.text ?? "" };
  }
  const [customer, effective] = await Promise.all([
    cancellation.connection_id === null
      ? undefined
      : repos.billingCustomers.get(
          cancellation.account_id,
          cancellation.connection_id,
          cancellation.customer_id,
        ),
    repos.cancellations.effectiveReason(cancellation.account_id, cancellation.id),
  ]);
  const reason = effective?.reason_id
    ? await repos.reasons.find(cancellation.account_id, effective.reason_id)
    : undefined;
  return {
    ...base,
    name: customer?.name ?? "",
    plan: cancellation.plan ?? "",
    reason: reason?.text ?? "",
  };
}

/**
 * A step's message: the body as text and as HTML (values escaped), each with a footer link
 * to unsubscribe, and the headers that let a mail client offer a one-click unsubscribe
 * (RFC 8058: the POST needs no page, no session).
 */
export function campaignMessage(
  step: CampaignStep,
  values: TemplateValues,
  to: string,
): OutgoingEmail {
  const url = values.unsubscribe_url;
  const subject = renderText(step.subject, values).replace(/\s+/g, " ").trim();
  const text = `${renderText(step.body, values).trimEnd()}\n\n--\nTo get no more of these emails: ${url}\n`;
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
${renderHtml(step.body, values)}
<hr>
<p style="font-size:small;color:#6b7280"><a href="${escapeHtml(url)}">Unsubscribe</a> from these emails.</p>
</body></html>`;
  return {
    to,
    subject,
    text,
    html,
    headers: {
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}

/**
 * At send time: the campaign and step still there, the address not unsubscribed, and (not
 * for a test) the enrollment not stopped and the customer not back; then the step rendered
 * with the cancellation's values (a test's with samples).
 */
export async function prepareCampaignEmail(
  repos: Repositories,
  secrets: Keyring,
  publicUrl: string,
  email: EmailRow,
): Promise<PreparedEmail> {
  const campaign =
    email.campaign_id === null
      ? undefined
      : await repos.campaigns.find(email.account_id, email.campaign_id);
  const step = campaign?.steps[email.step_index ?? -1];
  if (!campaign || !step || email.to_address === null) return { skip: "gone" };
  if (await repos.campaigns.isUnsubscribed(email.account_id, email.to_address)) {
    return { skip: "unsubscribed" };
  }
  const unsubscribe = unsubscribeUrl(secrets, publicUrl, email.id);
  if (email.is_test) {
    const values = await campaignValues(repos, campaign, null, unsubscribe);
    return { message: campaignMessage(step, values, email.to_address), linkExpiresAt: null };
  }
  const enrollment =
    email.enrollment_id === null
      ? undefined
      : await repos.campaigns.findEnrollment(email.enrollment_id);
  const cancellation =
    email.cancellation_id === null
      ? undefined
      : await repos.cancellations.get(email.account_id, email.cancellation_id);
  if (!enrollment || !cancellation) return { skip: "gone" };
  if (!campaign.active) return { skip: "campaign_inactive" };
  if (enrollment.state === "stopped" || enrollment.state === "unsubscribed") {
    return { skip: enrollment.stop_reason ?? enrollment.state };
  }
  const stop = await repos.campaigns.stopIfOver(enrollment);
  if (stop !== null) return { skip: stop };
  const values = await campaignValues(repos, campaign, cancellation, unsubscribe);
  return { message: campaignMessage(step, values, email.to_address), linkExpiresAt: null };
}

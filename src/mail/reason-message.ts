import type { Repositories } from "../db/repositories/index.js";
import type { EmailRow } from "../db/schema.js";
import type { Keyring } from "../db/secrets/keyring.js";
import { escapeHtml } from "../escape-html.js";
import { reasonLinkToken } from "./reason-link.js";
import type { OutgoingEmail } from "./transport.js";

const DAY_MS = 86_400_000;

/** An email ready to go (with its form link's expiry, if it has one), or why it no longer should. */
export type PreparedEmail =
  | { message: OutgoingEmail; linkExpiresAt: Date | null }
  | { skip: string };

/** The message: who asks, why, the link, and that answering is optional. */
export function reasonEmailMessage(
  accountName: string,
  to: string,
  link: string,
  linkDays: number,
) {
  const subject = `Why did you cancel your ${accountName} subscription?`;
  const text = [
    "Hello,",
    "",
    `We saw that you cancelled your ${accountName} subscription. Would you tell us why?`,
    "It takes one click, and it helps us do better:",
    "",
    link,
    "",
    `The link works once and for ${linkDays} days. If you would rather not answer, ignore this email.`,
    "",
    `The ${accountName} team`,
  ].join("\n");
  const name = escapeHtml(accountName);
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello,</p>
<p>We saw that you cancelled your ${name} subscription. Would you tell us why? It takes one click, and it helps us do better.</p>
<p><a href="${escapeHtml(link)}">Tell us why you cancelled</a></p>
<p>The link works once and for ${linkDays} days. If you would rather not answer, ignore this email.</p>
<p>The ${name} team</p>
</body></html>`;
  return { to, subject, text, html };
}

/**
 * At send time: the cancellation still unanswered and not reactivated, the customer's address
 * from the provider's customer record, and a fresh one-use link of the account's life.
 */
export async function prepareReasonEmail(
  repos: Repositories,
  secrets: Keyring,
  publicUrl: string,
  email: EmailRow,
): Promise<PreparedEmail> {
  const cancellation =
    email.cancellation_id === null
      ? undefined
      : await repos.cancellations.get(email.account_id, email.cancellation_id);
  if (!cancellation) return { skip: "gone" };
  const wanted = await repos.emails.reasonStillWanted(email.account_id, cancellation.id);
  if (wanted !== "open") return { skip: wanted };
  const customer =
    cancellation.connection_id === null
      ? undefined
      : await repos.billingCustomers.get(
          email.account_id,
          cancellation.connection_id,
          cancellation.customer_id,
        );
  if (!customer?.email || customer.deleted) return { skip: "no_customer_email" };
  const [account, settings] = await Promise.all([
    repos.accounts.find(email.account_id),
    repos.emails.settings(email.account_id),
  ]);
  if (!account) return { skip: "gone" };
  const linkExpiresAt = new Date(Date.now() + settings.reason_link_days * DAY_MS);
  const link = `${publicUrl}/r/${reasonLinkToken(secrets, email.id, linkExpiresAt)}`;
  return {
    message: reasonEmailMessage(account.name, customer.email, link, settings.reason_link_days),
    linkExpiresAt,
  };
}

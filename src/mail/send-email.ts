import { createRepositories } from "../db/repositories/index.js";
import { defineJobKind, type JobKind } from "../jobs/job-kind.js";
import { prepareCampaignEmail } from "./campaign-message.js";
import { prepareReasonEmail } from "./reason-message.js";
import { mailTransport } from "./transport.js";

export interface EmailSendPayload {
  emailId: string;
}

const MAX_ATTEMPTS = 6;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What is thrown (and so logged) when SMTP fails: nodemailer's code and the server's reply
 * code only, since its message may quote the customer's address.
 */
function smtpFailure(error: unknown): Error {
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  const parts = [typeof code === "string" ? code : "error", responseCode].filter(
    (part) => part !== undefined,
  );
  return new Error(`SMTP send failed (${parts.join(" ")})`, { cause: error });
}

/**
 * Sends one email of the `emails` table, a reason email or a campaign's (its dedupe key is the
 * email's id: one job per email).
 * The job may run twice (a worker that stalls past its lease), the email never: a worker
 * takes it (`scheduled` to `sending`) before it talks to the SMTP server, and one that finds
 * it `sending` already knows a send may have happened and does not risk a second.
 */
export const emailSend: JobKind<EmailSendPayload> = defineJobKind({
  kind: "email.send",
  maxAttempts: MAX_ATTEMPTS,
  retry: { retryBaseMs: 60_000, maxDelayMs: 3600_000 },
  async run(payload, job) {
    const { db, secrets, config } = job.services;
    const repos = createRepositories(db, { secrets });
    const email = await repos.emails.find(payload.emailId);
    if (!email) return undefined;
    if (email.status === "sending") {
      await repos.emails.finish(email.id, {
        status: "failed",
        error: "interrupted while sending: not sent again, so that it is never sent twice",
      });
      return undefined;
    }
    if (email.status !== "scheduled") return undefined;

    const prepare = email.kind === "campaign" ? prepareCampaignEmail : prepareReasonEmail;
    const prepared = await prepare(repos, secrets, config.publicUrl, email);
    if ("skip" in prepared) {
      await repos.emails.finish(email.id, { status: "skipped", error: prepared.skip });
      return undefined;
    }
    if (!(await repos.emails.startSending(email.id))) return undefined;
    const { message, linkExpiresAt } = prepared;
    const base = { to: message.to, subject: message.subject, linkExpiresAt };
    const transport = mailTransport(config.mail);
    if (transport.kind === "outbox") {
      await repos.emails.finish(email.id, {
        ...base,
        status: "outbox",
        text: message.text,
        html: message.html,
      });
      return undefined;
    }
    try {
      await transport.send(message);
    } catch (error) {
      // The server's words (a refused address, a timeout) stay in the account's own log.
      const reason = messageOf(error);
      if (job.attempt >= MAX_ATTEMPTS) {
        await repos.emails.finish(email.id, { status: "failed", error: reason });
        return undefined;
      }
      await repos.emails.backToScheduled(email.id, reason);
      throw smtpFailure(error);
    }
    await repos.emails.finish(email.id, { ...base, status: "sent" });
    return undefined;
  },
});

import nodemailer from "nodemailer";
import type { MailSettings } from "../config.js";

/** One message, rendered. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers (a campaign email's `List-Unsubscribe`). */
  headers?: Record<string, string>;
}

/**
 * Where email goes: to the SMTP server of `SMTP_URL`, or, with none, nowhere but the
 * `emails` table (the dashboard's outbox), so a fresh install shows what it would send.
 */
export type MailTransport =
  | { kind: "smtp"; send(message: OutgoingEmail): Promise<void> }
  | { kind: "outbox" };

export function mailTransport(settings: MailSettings): MailTransport {
  const { smtpUrl, from } = settings;
  if (smtpUrl === null) return { kind: "outbox" };
  return {
    kind: "smtp",
    async send(message) {
      // One connection per message: reason emails are rare, and a pool would hold a
      // connection open in every worker for nothing.
      const transport = nodemailer.createTransport(smtpUrl);
      try {
        await transport.sendMail({ from, ...message });
      } finally {
        transport.close();
      }
    },
  };
}

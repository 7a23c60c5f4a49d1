import type { ApiEmail } from "../contract/emails.js";
import type { EmailRow } from "../db/schema.js";

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

/** An email of the log as the dashboard shows it; the message only for the outbox. */
export function toApiEmail(row: EmailRow): ApiEmail {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    to: row.to_address,
    subject: row.subject,
    error: row.error,
    cancellation_id: row.cancellation_id,
    created_at: new Date(row.created_at).toISOString(),
    sent_at: iso(row.sent_at),
    link_expires_at: iso(row.link_expires_at),
    event_id: row.event_id,
    message:
      row.body_text !== null && row.body_html !== null
        ? { text: row.body_text, html: row.body_html }
        : null,
    campaign_id: row.campaign_id,
    step_index: row.step_index,
    is_test: row.is_test,
  };
}

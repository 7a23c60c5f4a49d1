import { type Static, Type } from "typebox";

const Minutes = Type.Integer({ minimum: 0, maximum: 10080 });
const Days = Type.Integer({ minimum: 1, maximum: 90 });

/** When the reason email goes and how long its link works. */
export const EmailSettings = Type.Object({
  /** Minutes after an unanswered voluntary cancellation (0: at once; at most a week). */
  reason_delay_minutes: Minutes,
  /** Days the form's link works (1 to 90). */
  reason_link_days: Days,
});
export type EmailSettings = Static<typeof EmailSettings>;

export const EmailSettingsBody = Type.Object(
  {
    reason_delay_minutes: Type.Optional(Minutes),
    reason_link_days: Type.Optional(Days),
  },
  { additionalProperties: false },
);
export type EmailSettingsBody = Static<typeof EmailSettingsBody>;

export const EmailSettingsReply = Type.Object({ settings: EmailSettings });

export const EmailStatus = Type.Union([
  Type.Literal("scheduled"),
  Type.Literal("sending"),
  Type.Literal("sent"),
  Type.Literal("outbox"),
  Type.Literal("skipped"),
  Type.Literal("failed"),
]);

/** One email of the log; an outbox email carries its message, to read in the dashboard. */
export const ApiEmail = Type.Object({
  id: Type.String(),
  /** `reason`: asks why; `campaign`: a win-back campaign's step. */
  kind: Type.Union([Type.Literal("reason"), Type.Literal("campaign")]),
  status: EmailStatus,
  to: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  /** Why it was skipped or failed (`answered`, `no_customer_email`, the SMTP server's words). */
  error: Type.Union([Type.String(), Type.Null()]),
  cancellation_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  sent_at: Type.Union([Type.String(), Type.Null()]),
  link_expires_at: Type.Union([Type.String(), Type.Null()]),
  /** The answer given through the email's link, if any. */
  event_id: Type.Union([Type.String(), Type.Null()]),
  message: Type.Union([Type.Object({ text: Type.String(), html: Type.String() }), Type.Null()]),
  /** A campaign email's campaign and step (index from 0). */
  campaign_id: Type.Union([Type.String(), Type.Null()]),
  step_index: Type.Union([Type.Integer(), Type.Null()]),
  /** A test send from the dashboard, with sample values. */
  is_test: Type.Boolean(),
});
export type ApiEmail = Static<typeof ApiEmail>;

export const EmailsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const EmailsReply = Type.Object({
  /** Where email goes: an SMTP server (SMTP_URL), or the outbox shown here. */
  transport: Type.Union([Type.Literal("smtp"), Type.Literal("outbox")]),
  emails: Type.Array(ApiEmail),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export type EmailsReply = Static<typeof EmailsReply>;

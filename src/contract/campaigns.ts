import { type Static, Type } from "typebox";

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/**
 * One email of a campaign. `subject` and `body` are templates: `{{name}}` (the customer's),
 * `{{plan}}`, `{{reason}}` (the reason the cancellation is put down to), `{{offer}}` (the
 * campaign's offer's title) and `{{unsubscribe_url}}`; any other name is refused.
 */
export const CampaignStep = Type.Object(
  {
    /** Days after the step before (the first: after the cancellation's end). */
    delay_days: Type.Integer({ minimum: 0, maximum: 365 }),
    subject: Type.String({ minLength: 1, maxLength: 200 }),
    body: Type.String({ minLength: 1, maxLength: 10_000 }),
  },
  { additionalProperties: false },
);
export type CampaignStep = Static<typeof CampaignStep>;

export const CampaignBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** The reasons whose ended cancellations it writes to. */
    reason_ids: Type.Array(Id, { minItems: 1, maxItems: 50, uniqueItems: true }),
    offer_id: Type.Optional(Nullable(Id)),
    /** Without steps: 60 days after the end, then +2, +7, +7 days, with starter texts. */
    steps: Type.Optional(Type.Array(CampaignStep, { minItems: 1, maxItems: 10 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CampaignBody = Static<typeof CampaignBody>;

export const ApiCampaign = Type.Object({
  id: Type.String(),
  name: Type.String(),
  reason_ids: Type.Array(Type.String()),
  offer_id: Nullable(Type.String()),
  steps: Type.Array(CampaignStep),
  active: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type ApiCampaign = Static<typeof ApiCampaign>;

export const CampaignReply = Type.Object({ campaign: ApiCampaign });
export const CampaignsReply = Type.Object({
  campaigns: Type.Array(ApiCampaign),
  /** Campaign emails the account sends a day (UTC) at most; the rest wait a day. */
  daily_limit: Type.Integer(),
});
export type CampaignsReply = Static<typeof CampaignsReply>;

export const CampaignSettingsBody = Type.Object(
  { daily_limit: Type.Integer({ minimum: 1, maximum: 100_000 }) },
  { additionalProperties: false },
);
export const CampaignSettingsReply = Type.Object({ daily_limit: Type.Integer() });

/** A step rendered: of a stored campaign or of one being edited, for a cancellation or samples. */
export const CampaignPreviewBody = Type.Object(
  {
    /** The step to render, as edited (not saved yet). */
    step: CampaignStep,
    /** Whose offer {{offer}} shows. */
    offer_id: Type.Optional(Nullable(Id)),
    /** Reasons of the campaign: the first fills {{reason}} in the samples. */
    reason_ids: Type.Optional(Type.Array(Id, { maxItems: 50 })),
    /** A cancellation whose values fill the template; without one, samples. */
    cancellation_id: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);
export type CampaignPreviewBody = Static<typeof CampaignPreviewBody>;

export const CampaignPreviewReply = Type.Object({
  subject: Type.String(),
  text: Type.String(),
  html: Type.String(),
});
export type CampaignPreviewReply = Static<typeof CampaignPreviewReply>;

export const CampaignTestSendBody = Type.Object(
  {
    to: Type.String({ format: "email", maxLength: 254 }),
    /** Index of the step to send (from 0); the first by default. */
    step_index: Type.Optional(Type.Integer({ minimum: 0, maximum: 9 })),
  },
  { additionalProperties: false },
);
export type CampaignTestSendBody = Static<typeof CampaignTestSendBody>;

/** The test email, queued: it shows in the email log (the outbox without SMTP). */
export const CampaignTestSendReply = Type.Object({ email_id: Type.String() });

export const EnrollmentState = Type.Union([
  Type.Literal("active"),
  Type.Literal("stopped"),
  Type.Literal("completed"),
  Type.Literal("unsubscribed"),
]);

export const ApiEnrollment = Type.Object({
  id: Type.String(),
  campaign_id: Type.String(),
  cancellation_id: Type.String(),
  customer_id: Type.String(),
  email: Type.String(),
  /** Index of the step sent next (from 0). */
  next_step: Type.Integer(),
  next_at: Nullable(Type.String()),
  state: EnrollmentState,
  /** Why it stopped: `resubscribed`, `unsubscribed`, ... */
  stop_reason: Nullable(Type.String()),
  created_at: Type.String(),
});
export type ApiEnrollment = Static<typeof ApiEnrollment>;

export const EnrollmentsQuery = Type.Object({
  campaign_id: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const EnrollmentsReply = Type.Object({
  enrollments: Type.Array(ApiEnrollment),
  next_cursor: Nullable(Type.String()),
});
export type EnrollmentsReply = Static<typeof EnrollmentsReply>;

export const UnsubscribeParams = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 300 }),
});

import type { CampaignStep } from "../db/schema.js";

/** Days after the end, then after each step before. */
const DEFAULT_STEP_DELAYS = [60, 2, 7, 7];

const SUBJECTS = [
  "We miss you, {{name}}",
  "What changed since you left",
  "Your {{plan}} plan is waiting",
  "One last note from us",
];

const BODY = `Hello {{name}},

You left your {{plan}} plan a while ago, and told us why: {{reason}}.
We took it to heart, and we would be glad to have you back.

Simply reply to this email if there is anything we can do.`;

/** The sequence a campaign made without steps starts with: 60 days after the end, +2, +7, +7. */
export function defaultSteps(): CampaignStep[] {
  return DEFAULT_STEP_DELAYS.map((delay_days, index) => ({
    delay_days,
    subject: SUBJECTS[index] ?? SUBJECTS[0] ?? "",
    body: BODY,
  }));
}

import type { ParsedMail } from "mailparser";
import { beforeAll, expect } from "vitest";
import { cancelNow } from "../../src/billing/stripe/fake/subscription-changes.js";
import { runCampaigns } from "../../src/mail/campaign-tick.js";
import { type Client, ownerAndMember } from "../helpers/auth.js";
import { reasonFlow } from "../mail/reason-flow.js";
import type { liveSync } from "../sync/live.js";

type Live = Awaited<ReturnType<typeof liveSync>>;

export const DAY_MS = 86_400_000;

/** Four steps whose subjects say which step they are, with every variable in the body. */
export const NUMBERED_STEPS = [60, 2, 7, 7].map((delay_days, index) => ({
  delay_days,
  subject: `Step ${index + 1} for {{name}}`,
  body: `Hello {{name}},\n\nYou left {{plan}} because: {{reason}}.\n\nStop: {{unsubscribe_url}}`,
}));

/**
 * What the campaign tests do to a live sync: an owner who writes campaigns, customers whose
 * cancellation ends with a reason, and the campaigns' tick run at a time of the test's choice
 * (the controlled clock), then the email jobs it queued.
 */
export function campaignFlow(live: Live) {
  const flow = reasonFlow(live);
  let owner: Client;
  let member: Client;
  const base = () => `/api/accounts/${live.server().accountId}`;

  beforeAll(async () => {
    ({ owner, member } = await ownerAndMember(live.server()));
  });

  /** The account's reasons, in their order. */
  async function reasons() {
    return live.repos().reasons.list(live.server().accountId, { includeArchived: false });
  }

  /** A campaign written through the API by the owner. */
  async function createCampaign(body: Record<string, unknown>) {
    const created = await owner.request("POST", `${base()}/campaigns`, body);
    expect(created.statusCode, created.body).toBe(201);
    return created.json().campaign as { id: string; steps: typeof NUMBERED_STEPS };
  }

  /**
   * A customer who cancels at once, the cancellation put down to `reasonId` by the owner:
   * the ended cancellation, as stored.
   */
  async function ended(email: string, reasonId: string, name?: string) {
    const { customer, sub } = await flow.subscribed(email, name);
    await flow.change(sub.id, cancelNow());
    const repos = live.repos();
    const accountId = live.server().accountId;
    const row = await flow
      .db()
      .selectFrom("cancellations")
      .selectAll()
      .where("subscription_id", "=", sub.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe("ended");
    await repos.cancellations.setReason(accountId, row.id, reasonId);
    const endedAt = new Date(row.ended_at ?? row.ends_at ?? 0);
    return { customer, sub, cancellation: row, endedAt };
  }

  /** The campaigns' tick at `at`, then the email jobs it queued (due now by the database). */
  async function tick(at: Date) {
    const result = await runCampaigns(live.repos(), live.server().accountId, at);
    await live.drain();
    return result;
  }

  async function enrollmentOf(cancellationId: string) {
    return flow
      .db()
      .selectFrom("campaign_enrollments")
      .selectAll()
      .where("cancellation_id", "=", cancellationId)
      .executeTakeFirst();
  }

  return {
    flow,
    base,
    owner: () => owner,
    member: () => member,
    reasons,
    createCampaign,
    ended,
    tick,
    enrollmentOf,
  };
}

/** The campaign emails (those with a List-Unsubscribe header) among `mails`, for one address. */
export function campaignMailTo(mails: ParsedMail[], address: string): ParsedMail[] {
  return mails.filter(
    (mail) =>
      mail.headerLines.some((h) => h.key === "list-unsubscribe-post") &&
      JSON.stringify(mail.to).includes(address),
  );
}

export const at = (start: Date, days: number, ms = 0) =>
  new Date(start.getTime() + days * DAY_MS + ms);

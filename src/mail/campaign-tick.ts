import type { Database } from "../db/database.js";
import type { DueEnrollment } from "../db/repositories/campaigns.js";
import { createRepositories, type Repositories } from "../db/repositories/index.js";
import { defineJobKind, type JobKind } from "../jobs/job-kind.js";
import { emailSend } from "./send-email.js";

const DAY_MS = 86_400_000;
/** How often an account with campaigns is looked at: a step goes at most this late. */
export const CAMPAIGN_TICK_MS = 15 * 60_000;
const BATCH = 100;

/** Midnight UTC of `at`'s day: the daily limit counts by UTC days. */
export const utcDayStart = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);

/**
 * Queues an enrollment's due step (its email, one per enrollment and step, and the email's
 * send job) and moves it to the next step, due that step's delay from now; or stops it when
 * the customer unsubscribed or came back. Whether an email was queued.
 */
async function queueStep(tx: Repositories, enrollment: DueEnrollment, now: Date) {
  if ((await tx.campaigns.stopIfOver(enrollment)) !== null) return false;
  const index = enrollment.next_step;
  if (!enrollment.steps[index]) {
    // The campaign lost steps since: nothing is left to send.
    await tx.campaigns.advance(enrollment.id, index, null);
    return false;
  }
  const email = await tx.emails.scheduleCampaignStep(
    {
      account_id: enrollment.account_id,
      cancellation_id: enrollment.cancellation_id,
      campaign_id: enrollment.campaign_id,
      enrollment_id: enrollment.id,
      step_index: index,
      to: enrollment.email,
    },
    now,
  );
  if (email) {
    await emailSend.enqueue(
      tx.db,
      { emailId: email.id },
      { accountId: email.account_id, dedupeKey: email.id },
    );
  }
  const next = enrollment.steps[index + 1];
  const nextAt = next ? new Date(now.getTime() + next.delay_days * DAY_MS) : null;
  await tx.campaigns.advance(enrollment.id, index + 1, nextAt);
  return email !== undefined;
}

/**
 * One look at an account's campaigns at `now`: enrolls the cancellations that ended, then
 * queues every step due, as many as the account's daily limit leaves today (the rest stay
 * due, and go the next day). Safe beside another worker's run: the account's row is locked
 * while a batch is counted and queued, and an email per enrollment and step is unique.
 */
export async function runCampaigns(repos: Repositories, accountId: string, now: Date) {
  const enrolled = await repos.campaigns.enrollEnded(accountId, now);
  let queued = 0;
  for (;;) {
    const batch = await repos.transaction(async (tx) => {
      const limit = await tx.campaigns.lockDailyLimit(accountId);
      if (limit === undefined) return { queued: 0, full: false };
      const room = limit - (await tx.emails.campaignEmailsOn(accountId, utcDayStart(now)));
      if (room <= 0) return { queued: 0, full: false };
      const size = Math.min(room, BATCH);
      const due = await tx.campaigns.claimDue(accountId, now, size);
      let count = 0;
      for (const enrollment of due) if (await queueStep(tx, enrollment, now)) count++;
      return { queued: count, full: due.length === size };
    });
    queued += batch.queued;
    if (!batch.full) return { enrolled, queued };
  }
}

export interface CampaignTickPayload {
  accountId: string;
}

/**
 * An account's campaigns, looked at every quarter hour while it has an active campaign or
 * enrollment (one job per account: its dedupe key). Started when a campaign is saved.
 */
export const campaignTick: JobKind<CampaignTickPayload> = defineJobKind({
  kind: "campaign.tick",
  maxAttempts: 5,
  retry: { retryBaseMs: 60_000, maxDelayMs: 3600_000 },
  async run(payload, job) {
    const repos = createRepositories(job.services.db, { secrets: job.services.secrets });
    await runCampaigns(repos, payload.accountId, new Date(job.services.now()));
    const more = await repos.campaigns.hasWork(payload.accountId);
    return more ? { runAgainInMs: CAMPAIGN_TICK_MS } : undefined;
  },
});

/** Makes sure the account's tick runs (again, if it had stopped for want of work). */
export function startCampaignTick(db: Database, accountId: string) {
  return campaignTick.enqueue(
    db,
    { accountId },
    { accountId, dedupeKey: `campaign-tick:${accountId}`, rerunFinished: true },
  );
}

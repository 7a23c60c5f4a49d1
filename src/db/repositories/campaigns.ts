import { sql } from "kysely";
import { effectiveReasonOf } from "../cancellation-reason.js";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { newId } from "../ids.js";
import { newestFirstPage } from "../keyset-cursor.js";
import type { Campaign, CampaignEnrollment, CampaignStep, EnrollmentState } from "../schema.js";
import { inTransaction } from "../transaction.js";

/** A campaign as written by the dashboard, its templates checked before (src/mail). */
export interface CampaignInput {
  name: string;
  reason_ids: string[];
  offer_id: string | null;
  steps: CampaignStep[];
  active: boolean;
}

/** Subscription statuses that mean the customer pays (or will) again: a resubscription. */
const SUBSCRIBED = ["active", "trialing", "past_due", "unpaid"];

/** A due enrollment as the tick sends it, with its campaign's steps. */
export type DueEnrollment = CampaignEnrollment & { steps: CampaignStep[] };

const lower = (email: string) => email.trim().toLowerCase();

export function createCampaignsRepository(db: Database) {
  async function checkRefs(trx: Database, accountId: string, input: CampaignInput) {
    const known = await trx
      .selectFrom("reasons")
      .select("id")
      .where("account_id", "=", accountId)
      .where("id", "in", input.reason_ids)
      .execute();
    const missing = input.reason_ids.find((id) => !known.some((r) => r.id === id));
    if (missing !== undefined) {
      throw new DomainError("unknown_reason", "reason_ids names a reason this account lacks.");
    }
    if (input.offer_id === null) return;
    const offer = await trx
      .selectFrom("offers")
      .select("id")
      .where("account_id", "=", accountId)
      .where("id", "=", input.offer_id)
      .executeTakeFirst();
    if (!offer)
      throw new DomainError("unknown_offer", "offer_id is not one of this account's offers.");
  }

  const columns = (input: CampaignInput) => ({
    ...input,
    reason_ids: JSON.stringify(input.reason_ids),
    steps: JSON.stringify(input.steps),
  });

  return {
    list(accountId: string): Promise<Campaign[]> {
      return db
        .selectFrom("campaigns")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
    },

    find(accountId: string, id: string): Promise<Campaign | undefined> {
      return db
        .selectFrom("campaigns")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
    },

    create(accountId: string, input: CampaignInput): Promise<Campaign> {
      return inTransaction(db, async (trx) => {
        await checkRefs(trx, accountId, input);
        return trx
          .insertInto("campaigns")
          .values({ id: newId("cmp"), account_id: accountId, ...columns(input) })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
    },

    update(accountId: string, id: string, input: CampaignInput): Promise<Campaign | undefined> {
      return inTransaction(db, async (trx) => {
        await checkRefs(trx, accountId, input);
        return trx
          .updateTable("campaigns")
          .set({ ...columns(input), updated_at: sql`now()` })
          .where("account_id", "=", accountId)
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirst();
      });
    },

    async remove(accountId: string, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom("campaigns")
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    /**
     * The account's daily limit, its row locked until the caller's transaction ends: two
     * ticks of one account count and queue one after the other, so the limit holds.
     */
    async lockDailyLimit(accountId: string): Promise<number | undefined> {
      const row = await db
        .selectFrom("accounts")
        .select("campaign_daily_limit")
        .where("id", "=", accountId)
        .forUpdate()
        .executeTakeFirst();
      return row?.campaign_daily_limit;
    },

    async dailyLimit(accountId: string): Promise<number | undefined> {
      const row = await db
        .selectFrom("accounts")
        .select("campaign_daily_limit")
        .where("id", "=", accountId)
        .executeTakeFirst();
      return row?.campaign_daily_limit;
    },

    async setDailyLimit(accountId: string, limit: number): Promise<void> {
      await db
        .updateTable("accounts")
        .set({ campaign_daily_limit: limit })
        .where("id", "=", accountId)
        .execute();
    },

    /** Whether the account has an active campaign or enrollment: the tick has work. */
    async hasWork(accountId: string): Promise<boolean> {
      const row = await db
        .selectNoFrom((eb) => [
          eb
            .or([
              eb.exists(
                eb
                  .selectFrom("campaigns")
                  .select("id")
                  .where("account_id", "=", accountId)
                  .where("active", "=", true),
              ),
              eb.exists(
                eb
                  .selectFrom("campaign_enrollments")
                  .select("id")
                  .where("account_id", "=", accountId)
                  .where("state", "=", "active"),
              ),
            ])
            .as("work"),
        ])
        .executeTakeFirstOrThrow();
      return Boolean(row.work);
    },

    /**
     * Enrolls, up to `limit`, the account's voluntary cancellations that ended by `now`, after
     * an active campaign for their reason was made (or in the day before: providers date to
     * the second, and a campaign made the day someone left should reach them), with a
     * customer address known: in the oldest such campaign, the first step due its delay
     * after the end. Older churn is never written to: a new campaign mails no one's past. Idempotent: one
     * enrollment per cancellation. A reason given after the end (a late answer) still counts.
     */
    async enrollEnded(accountId: string, now: Date, limit = 200): Promise<number> {
      const candidates = await sql<{
        cancellation_id: string;
        connection_id: string | null;
        customer_id: string;
        email: string;
        campaign_id: string;
        next_at: Date;
      }>`
        select c.id as cancellation_id, c.connection_id, c.customer_id, bc.email,
          k.id as campaign_id,
          coalesce(c.ended_at, c.ends_at)
            + make_interval(days => (k.steps -> 0 ->> 'delay_days')::integer) as next_at
        from cancellations c
        join billing_customers bc on bc.connection_id = c.connection_id
          and bc.id = c.customer_id and bc.account_id = c.account_id
        join lateral (
          select k.id, k.steps from campaigns k
          where k.account_id = c.account_id and k.active
            and k.created_at <= coalesce(c.ended_at, c.ends_at) + interval '1 day'
            and k.reason_ids @> jsonb_build_array(${effectiveReasonOf("c")})
          order by k.created_at, k.id
          limit 1
        ) k on true
        where c.account_id = ${accountId} and c.voluntary and c.state = 'ended'
          and coalesce(c.ended_at, c.ends_at) <= ${now}
          and bc.email is not null and not bc.deleted
          and not exists (select 1 from campaign_enrollments e where e.cancellation_id = c.id)
        order by c.ended_at
        limit ${limit}`.execute(db);
      let enrolled = 0;
      for (const row of candidates.rows) {
        const inserted = await db
          .insertInto("campaign_enrollments")
          .values({ id: newId("enr"), account_id: accountId, ...row, email: lower(row.email) })
          .onConflict((oc) => oc.column("cancellation_id").doNothing())
          .returning("id")
          .executeTakeFirst();
        if (inserted) enrolled++;
      }
      return enrolled;
    },

    /**
     * Takes the account's active enrollments due by `now` (of active campaigns), up to
     * `limit`, locked until the caller's transaction ends: SKIP LOCKED lets another worker's
     * tick pass over them instead of sending them too.
     */
    claimDue(accountId: string, now: Date, limit: number): Promise<DueEnrollment[]> {
      return db
        .selectFrom("campaign_enrollments as e")
        .innerJoin("campaigns as k", "k.id", "e.campaign_id")
        .selectAll("e")
        .select("k.steps")
        .where("e.account_id", "=", accountId)
        .where("e.state", "=", "active")
        .where("e.next_at", "<=", now)
        .where("k.active", "=", true)
        .orderBy("e.next_at")
        .orderBy("e.id")
        .limit(limit)
        .forUpdate("e")
        .skipLocked()
        .execute();
    },

    /**
     * Why an enrollment must not get another email, or null: its address unsubscribed, or
     * the customer subscribes again (another subscription that pays, or the cancellation
     * undone).
     */
    async stopReason(
      enrollment: Pick<
        CampaignEnrollment,
        "account_id" | "email" | "connection_id" | "customer_id" | "cancellation_id"
      >,
    ): Promise<"unsubscribed" | "resubscribed" | null> {
      if (await this.isUnsubscribed(enrollment.account_id, enrollment.email)) return "unsubscribed";
      const row = await db
        .selectNoFrom((eb) => [
          eb
            .or([
              eb.exists(
                eb
                  .selectFrom("billing_subscriptions")
                  .select("id")
                  .where("account_id", "=", enrollment.account_id)
                  .where("connection_id", "=", enrollment.connection_id ?? "")
                  .where("customer_id", "=", enrollment.customer_id)
                  .where("status", "in", SUBSCRIBED)
                  .where("cancel_at_period_end", "=", false),
              ),
              eb.exists(
                eb
                  .selectFrom("cancellations")
                  .select("id")
                  .where("id", "=", enrollment.cancellation_id)
                  .where("state", "=", "reactivated"),
              ),
            ])
            .as("back"),
        ])
        .executeTakeFirstOrThrow();
      return row.back ? "resubscribed" : null;
    },

    /**
     * The customer subscribes again (a subscription that pays, seen by the sync): their
     * active enrollments stop at once, so the dashboard shows it before the next tick would.
     */
    async stopForResubscription(key: {
      account_id: string;
      connection_id: string;
      customer_id: string;
      status: string;
      cancel_at_period_end: boolean;
    }): Promise<void> {
      if (!SUBSCRIBED.includes(key.status) || key.cancel_at_period_end) return;
      await db
        .updateTable("campaign_enrollments")
        .set({
          state: "stopped",
          stop_reason: "resubscribed",
          next_at: null,
          updated_at: sql`now()`,
        })
        .where("account_id", "=", key.account_id)
        .where("connection_id", "=", key.connection_id)
        .where("customer_id", "=", key.customer_id)
        .where("state", "=", "active")
        .execute();
    },

    async isUnsubscribed(accountId: string, email: string): Promise<boolean> {
      const row = await db
        .selectFrom("campaign_unsubscribes")
        .select("email")
        .where("account_id", "=", accountId)
        .where("email", "=", lower(email))
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Stops the enrollment when `stopReason` says it is over: why it stopped, or null while
     * it goes on. The tick asks before queueing a step and the send before sending it.
     */
    async stopIfOver(
      enrollment: Pick<
        CampaignEnrollment,
        "id" | "account_id" | "email" | "connection_id" | "customer_id" | "cancellation_id"
      >,
    ): Promise<"unsubscribed" | "resubscribed" | null> {
      const reason = await this.stopReason(enrollment);
      if (reason !== null) {
        await this.stop(enrollment.id, reason === "unsubscribed" ? reason : "stopped", reason);
      }
      return reason;
    },

    /** Ends an enrollment early (unsubscribed, resubscribed, no address any more). */
    async stop(id: string, state: Exclude<EnrollmentState, "active">, reason: string | null) {
      await db
        .updateTable("campaign_enrollments")
        .set({ state, stop_reason: reason, next_at: null, updated_at: sql`now()` })
        .where("id", "=", id)
        .where("state", "in", ["active", "completed"])
        .execute();
    },

    /** Moves an enrollment to its next step, due at `nextAt`, or completes it (null). */
    async advance(id: string, nextStep: number, nextAt: Date | null): Promise<void> {
      await db
        .updateTable("campaign_enrollments")
        .set({
          next_step: nextStep,
          next_at: nextAt,
          state: nextAt === null ? "completed" : "active",
          updated_at: sql`now()`,
        })
        .where("id", "=", id)
        .execute();
    },

    findEnrollment(id: string): Promise<CampaignEnrollment | undefined> {
      return db
        .selectFrom("campaign_enrollments")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst();
    },

    /**
     * The address wants no more campaign email from the account: recorded, and every
     * enrollment of it stopped in the same statement's transaction, at once.
     */
    unsubscribe(accountId: string, email: string): Promise<void> {
      return inTransaction(db, async (trx) => {
        await trx
          .insertInto("campaign_unsubscribes")
          .values({ account_id: accountId, email: lower(email) })
          .onConflict((oc) => oc.columns(["account_id", "email"]).doNothing())
          .execute();
        await trx
          .updateTable("campaign_enrollments")
          .set({ state: "unsubscribed", next_at: null, updated_at: sql`now()` })
          .where("account_id", "=", accountId)
          .where("email", "=", lower(email))
          .where("state", "in", ["active", "completed"])
          .execute();
      });
    },

    /** A page of an account's enrollments (of one campaign, if given), newest first. */
    async enrollments(
      accountId: string,
      filter: { campaignId?: string },
      page: { limit: number; cursor?: string | null },
    ): Promise<{ enrollments: CampaignEnrollment[]; nextCursor: string | null }> {
      let query = db
        .selectFrom("campaign_enrollments")
        .selectAll()
        .where("account_id", "=", accountId);
      if (filter.campaignId) query = query.where("campaign_id", "=", filter.campaignId);
      const { rows, nextCursor } = await newestFirstPage(query, page);
      return { enrollments: rows, nextCursor };
    },
  };
}

export type CampaignsRepository = ReturnType<typeof createCampaignsRepository>;

import { sql } from "kysely";
import type { Database } from "../database.js";
import { newId } from "../ids.js";
import { newestFirstPage } from "../keyset-cursor.js";
import type { Cancellation, EmailRow, EmailSettings } from "../schema.js";

/** What an account has until it changes them. */
export const DEFAULT_EMAIL_SETTINGS = Object.freeze({
  reason_delay_minutes: 60,
  reason_link_days: 14,
});

export type EmailSettingsValues = Pick<EmailSettings, "reason_delay_minutes" | "reason_link_days">;

/** How a send ended: by SMTP, into the outbox (with the message), skipped, or failed. */
export type EmailOutcome =
  | { status: "sent"; to: string; subject: string; linkExpiresAt: Date | null }
  | {
      status: "outbox";
      to: string;
      subject: string;
      linkExpiresAt: Date | null;
      text: string;
      html: string;
    }
  | { status: "skipped" | "failed"; error: string };

/** Why a form link cannot be used (one use, expired) or the email it belongs to. */
export type LinkClaim =
  | { ok: true; email: EmailRow & { cancellation_id: string } }
  | { ok: false; why: "unknown" | "used" | "expired" };

export function createEmailsRepository(db: Database) {
  return {
    async settings(accountId: string): Promise<EmailSettingsValues> {
      const row = await db
        .selectFrom("email_settings")
        .select(["reason_delay_minutes", "reason_link_days"])
        .where("account_id", "=", accountId)
        .executeTakeFirst();
      return row ?? { ...DEFAULT_EMAIL_SETTINGS };
    },

    async updateSettings(
      accountId: string,
      changes: Partial<EmailSettingsValues>,
    ): Promise<EmailSettingsValues> {
      const values = { ...DEFAULT_EMAIL_SETTINGS, ...changes };
      return db
        .insertInto("email_settings")
        .values({ account_id: accountId, ...values })
        .onConflict((oc) =>
          oc.column("account_id").doUpdateSet({ ...changes, updated_at: sql`now()` }),
        )
        .returning(["reason_delay_minutes", "reason_link_days"])
        .executeTakeFirstOrThrow();
    },

    /**
     * A reason email for the cancellation, scheduled; undefined when it has one already
     * (one per cancellation, however often it is seen).
     */
    async scheduleReason(
      cancellation: Pick<Cancellation, "id" | "account_id">,
    ): Promise<EmailRow | undefined> {
      return db
        .insertInto("emails")
        .values({
          id: newId("eml"),
          account_id: cancellation.account_id,
          kind: "reason",
          cancellation_id: cancellation.id,
        })
        .onConflict((oc) => oc.column("cancellation_id").where("kind", "=", "reason").doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    /**
     * A campaign step's email for an enrollment, scheduled, dated `at` (the tick's time, what
     * the daily limit counts by); undefined when the step has its email already.
     */
    async scheduleCampaignStep(
      step: {
        account_id: string;
        cancellation_id: string;
        campaign_id: string;
        enrollment_id: string;
        step_index: number;
        to: string;
      },
      at: Date,
    ): Promise<EmailRow | undefined> {
      const { to, ...rest } = step;
      return db
        .insertInto("emails")
        .values({ id: newId("eml"), kind: "campaign", to_address: to, created_at: at, ...rest })
        .onConflict((oc) =>
          oc
            .columns(["enrollment_id", "step_index"])
            .where("kind", "=", "campaign")
            .where("enrollment_id", "is not", null)
            .doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
    },

    /** A test send of a campaign's step to an address the owner gave, with sample values. */
    scheduleCampaignTest(
      accountId: string,
      campaignId: string,
      stepIndex: number,
      to: string,
    ): Promise<EmailRow> {
      return db
        .insertInto("emails")
        .values({
          id: newId("eml"),
          account_id: accountId,
          kind: "campaign",
          campaign_id: campaignId,
          step_index: stepIndex,
          to_address: to,
          is_test: true,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Campaign emails (not tests) the account queued in [from, from + 1 day). */
    async campaignEmailsOn(accountId: string, from: Date): Promise<number> {
      const row = await db
        .selectFrom("emails")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .where("account_id", "=", accountId)
        .where("kind", "=", "campaign")
        .where("is_test", "=", false)
        .where("created_at", ">=", from)
        .where("created_at", "<", new Date(from.getTime() + 86_400_000))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    find(id: string): Promise<EmailRow | undefined> {
      return db.selectFrom("emails").selectAll().where("id", "=", id).executeTakeFirst();
    },

    /**
     * Takes a scheduled email for sending; false when it is not scheduled any more (another
     * worker took it, or it ended). What makes a send happen at most once.
     */
    async startSending(id: string): Promise<boolean> {
      const result = await db
        .updateTable("emails")
        .set({ status: "sending", updated_at: sql`now()` })
        .where("id", "=", id)
        .where("status", "=", "scheduled")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Hands an email taken for sending back (the transport failed: the job retries it). */
    async backToScheduled(id: string, error: string): Promise<void> {
      await db
        .updateTable("emails")
        .set({ status: "scheduled", error, updated_at: sql`now()` })
        .where("id", "=", id)
        .where("status", "=", "sending")
        .execute();
    },

    async finish(id: string, outcome: EmailOutcome): Promise<void> {
      const set =
        "error" in outcome
          ? { status: outcome.status, error: outcome.error }
          : {
              status: outcome.status,
              error: null,
              to_address: outcome.to,
              subject: outcome.subject,
              link_expires_at: outcome.linkExpiresAt,
              sent_at: sql<Date>`now()`,
              body_text: outcome.status === "outbox" ? outcome.text : null,
              body_html: outcome.status === "outbox" ? outcome.html : null,
            };
      await db
        .updateTable("emails")
        .set({ ...set, updated_at: sql`now()` })
        .where("id", "=", id)
        .execute();
    },

    /**
     * Whether the cancellation still wants its reason email: `open` (no answer or skip linked,
     * not reactivated), `answered`, `reactivated`, or `gone` (deleted).
     */
    async reasonStillWanted(
      accountId: string,
      cancellationId: string,
    ): Promise<"open" | "answered" | "reactivated" | "gone"> {
      const row = await db
        .selectFrom("cancellations as c")
        .select((eb) => [
          "c.state",
          eb
            .exists(
              eb
                .selectFrom("cancellation_answers as l")
                .select("l.event_id")
                .whereRef("l.cancellation_id", "=", "c.id"),
            )
            .as("answered"),
        ])
        .where("c.account_id", "=", accountId)
        .where("c.id", "=", cancellationId)
        .executeTakeFirst();
      if (!row) return "gone";
      if (row.answered) return "answered";
      return row.state === "reactivated" ? "reactivated" : "open";
    },

    /**
     * Marks a form link used, once: the first caller gets the email, every later one `used`.
     * Expiry is by the database's clock, as every other deadline.
     */
    async claimLink(id: string): Promise<LinkClaim> {
      const claimed = await db
        .updateTable("emails")
        .set({ link_used_at: sql`now()`, updated_at: sql`now()` })
        .where("id", "=", id)
        .where("kind", "=", "reason")
        .where("link_used_at", "is", null)
        .where("link_expires_at", ">", sql<Date>`now()`)
        .where("cancellation_id", "is not", null)
        .returningAll()
        .executeTakeFirst();
      if (claimed) return { ok: true, email: claimed as EmailRow & { cancellation_id: string } };
      const found = await this.find(id);
      if (!found || found.cancellation_id === null || found.link_expires_at === null) {
        return { ok: false, why: "unknown" };
      }
      return { ok: false, why: found.link_used_at !== null ? "used" : "expired" };
    },

    /** Gives a claimed link back when the answer could not be stored, so it may be tried again. */
    async releaseLink(id: string): Promise<void> {
      await db
        .updateTable("emails")
        .set({ link_used_at: null, updated_at: sql`now()` })
        .where("id", "=", id)
        .where("event_id", "is", null)
        .execute();
    },

    async setAnswer(id: string, eventId: string): Promise<void> {
      await db
        .updateTable("emails")
        .set({ event_id: eventId, updated_at: sql`now()` })
        .where("id", "=", id)
        .execute();
    },

    /** A page of an account's emails, newest first. */
    async list(
      accountId: string,
      page: { limit: number; cursor?: string | null },
    ): Promise<{ emails: EmailRow[]; nextCursor: string | null }> {
      const query = db.selectFrom("emails").selectAll().where("account_id", "=", accountId);
      const { rows, nextCursor } = await newestFirstPage(query, page);
      return { emails: rows, nextCursor };
    },
  };
}

export type EmailsRepository = ReturnType<typeof createEmailsRepository>;

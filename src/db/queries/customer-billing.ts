import { answerReasonOf, effectiveReasonOf, reasonSourceOf } from "../cancellation-reason.js";
import type { Database } from "../database.js";
import type { EffectiveReason } from "../repositories/cancellations.js";
import type { BillingSubscriptionRow, Cancellation } from "../schema.js";

export type CustomerSubscription = Pick<
  BillingSubscriptionRow,
  | "id"
  | "test_mode"
  | "status"
  | "currency"
  | "mrr_amount"
  | "monthly_value"
  | "plan"
  | "created"
  | "current_period_end"
  | "cancel_at"
  | "cancel_at_period_end"
  | "ended_at"
>;

export type CustomerCancellation = Pick<
  Cancellation,
  | "id"
  | "subscription_id"
  | "test_mode"
  | "path"
  | "timing"
  | "voluntary"
  | "state"
  | "requested_at"
  | "ends_at"
  | "reactivated_at"
  | "lost_mrr_amount"
  | "lost_mrr_currency"
  | "plan"
  | "provider_feedback"
  | "provider_comment"
  | "owner_reason_id"
> & {
  /** An answer (not a skip) is linked. */
  answered: boolean;
} & Omit<EffectiveReason, "id">;

export interface CustomerBilling {
  /** Known through the account's active connections, newest first; live and test both. */
  subscriptions: CustomerSubscription[];
  /** Newest request first, reactivated ones too. */
  cancellations: CustomerCancellation[];
}

/** More than a customer has in practice; a page of history, not a whole export. */
const LIMIT = 50;

/** "What does the billing provider tell us about this customer?" for the customer's page. */
export async function customerBilling(
  db: Database,
  accountId: string,
  customerId: string,
): Promise<CustomerBilling> {
  const [subscriptions, cancellations] = await Promise.all([
    db
      .selectFrom("billing_subscriptions as s")
      .innerJoin("billing_connections as c", "c.id", "s.connection_id")
      .where("c.status", "=", "active")
      .where("s.account_id", "=", accountId)
      .where("s.customer_id", "=", customerId)
      .select([
        "s.id",
        "s.test_mode",
        "s.status",
        "s.currency",
        "s.mrr_amount",
        "s.monthly_value",
        "s.plan",
        "s.created",
        "s.current_period_end",
        "s.cancel_at",
        "s.cancel_at_period_end",
        "s.ended_at",
      ])
      .orderBy("s.created", (ob) => ob.desc().nullsLast())
      .orderBy("s.id")
      .limit(LIMIT)
      .execute(),
    db
      .selectFrom("cancellations as c")
      .where("c.account_id", "=", accountId)
      .where("c.customer_id", "=", customerId)
      .select((eb) => [
        "c.id",
        "c.subscription_id",
        "c.test_mode",
        "c.path",
        "c.timing",
        "c.voluntary",
        "c.state",
        "c.requested_at",
        "c.ends_at",
        "c.reactivated_at",
        "c.lost_mrr_amount",
        "c.lost_mrr_currency",
        "c.plan",
        "c.provider_feedback",
        "c.provider_comment",
        "c.owner_reason_id",
        effectiveReasonOf("c").as("reason_id"),
        reasonSourceOf("c").as("reason_source"),
        answerReasonOf("c").as("answer_reason_id"),
        eb
          .exists(
            eb
              .selectFrom("cancellation_answers as l")
              .innerJoin("events as e", (join) =>
                join.onRef("e.account_id", "=", "l.account_id").onRef("e.id", "=", "l.event_id"),
              )
              .whereRef("l.cancellation_id", "=", "c.id")
              .where("e.kind", "=", "answer"),
          )
          .as("answered"),
      ])
      .orderBy("c.requested_at", "desc")
      .orderBy("c.id", "desc")
      .limit(LIMIT)
      .execute(),
  ]);
  // Bigint columns come back as text from Postgres: money is numbers of minor units.
  return {
    subscriptions: subscriptions.map((s) => ({
      ...s,
      mrr_amount: Number(s.mrr_amount),
      monthly_value: Number(s.monthly_value),
    })),
    cancellations: cancellations.map((c) => ({
      ...c,
      lost_mrr_amount: c.lost_mrr_amount === null ? null : Number(c.lost_mrr_amount),
      answered: Boolean(c.answered),
    })),
  };
}

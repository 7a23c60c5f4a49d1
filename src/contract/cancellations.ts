import { Type } from "typebox";

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "YYYY-MM-DD (UTC)" });
const Timestamp = Type.String({ format: "date-time" });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
/** `amount` in integer minor units (cents) of `currency`; lists hold one entry per currency. */
const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });
const MoneyList = Type.Array(Money);

/** Who ended a subscription at the provider (docs/billing.md, "Cancellations"). */
export const CancellationPath = Type.Union([
  Type.Literal("portal"),
  Type.Literal("provider"),
  Type.Literal("provider_dashboard"),
  Type.Literal("provider_api"),
  Type.Literal("payment_failure"),
  Type.Literal("unknown"),
]);
/** Where a cancellation started: our widget or REST API when an answer is linked, else its path. */
export const CancellationEntry = Type.Union([
  Type.Literal("widget"),
  Type.Literal("api"),
  ...CancellationPath.anyOf,
]);
export const TenureBucket = Type.Union([
  Type.Literal("under_1_month"),
  Type.Literal("1_to_3_months"),
  Type.Literal("3_to_6_months"),
  Type.Literal("6_to_12_months"),
  Type.Literal("12_months_or_more"),
  Type.Literal("unknown"),
]);

export const CancellationInsightsQuery = Type.Object({
  from: Day,
  to: Day,
  /** The insights page's "Include test data": live and test summed; live only without it. */
  include_test: Type.Optional(Type.Boolean()),
});

const Breakdown = <K extends Parameters<typeof Type.Array>[0]>(key: K) =>
  Type.Array(Type.Object({ key, cancellations: Type.Integer(), lost_mrr: MoneyList }));

const Churn = Type.Object({ cancellations: Type.Integer(), lost_mrr: MoneyList });

/** The cancellations the billing provider reported in a period (reactivated ones apart). */
export const CancellationInsightsReply = Type.Object({
  from: Day,
  to: Day,
  coverage: Type.Object({
    /** Voluntary cancellations that stand. */
    cancellations: Type.Integer(),
    /** Of those, the ones with a linked answer. */
    answered: Type.Integer(),
    /** answered / cancellations, 0..1; null without cancellations. */
    coverage: Type.Union([Type.Number(), Type.Null()]),
  }),
  voluntary: Churn,
  /** Payment failures: nobody chose them, so they are kept out of the voluntary numbers. */
  involuntary: Churn,
  reactivations: Type.Object({ reactivations: Type.Integer(), kept_mrr: MoneyList }),
  /** Voluntary and involuntary alike; most cancellations first. */
  by_entry: Breakdown(CancellationEntry),
  /** Voluntary only; '' is an unknown plan. */
  by_plan: Breakdown(Type.String()),
  /** Voluntary only, youngest first. */
  by_tenure: Breakdown(TenureBucket),
});

export const CustomerBillingQuery = Type.Object({
  customer_oid: Type.String({ minLength: 1, maxLength: 255 }),
});

/** Whose word a cancellation's reason is (src/db/cancellation-reason.ts); null: nobody's. */
export const ReasonSource = Type.Union([
  Type.Literal("owner"),
  Type.Literal("answer"),
  Type.Literal("provider"),
  Type.Null(),
]);

export const CustomerBillingReply = Type.Object({
  subscriptions: Type.Array(
    Type.Object({
      id: Type.String(),
      test_mode: Type.Boolean(),
      status: Type.String(),
      /** MRR now (0 when trialing, canceled...). */
      mrr: Money,
      plan: Type.Union([Type.String(), Type.Null()]),
      created_at: NullableTimestamp,
      current_period_end: NullableTimestamp,
      /** When it is set to end (cancel at period end, or a date), if it is. */
      cancel_at: NullableTimestamp,
      ended_at: NullableTimestamp,
    }),
  ),
  cancellations: Type.Array(
    Type.Object({
      id: Type.String(),
      subscription_id: Type.String(),
      test_mode: Type.Boolean(),
      path: CancellationPath,
      timing: Type.Union([
        Type.Literal("immediate"),
        Type.Literal("period_end"),
        Type.Literal("scheduled"),
      ]),
      voluntary: Type.Boolean(),
      state: Type.Union([
        Type.Literal("scheduled"),
        Type.Literal("ended"),
        Type.Literal("reactivated"),
      ]),
      requested_at: Timestamp,
      ends_at: NullableTimestamp,
      reactivated_at: NullableTimestamp,
      lost_mrr: Type.Union([Money, Type.Null()]),
      plan: Type.Union([Type.String(), Type.Null()]),
      /** The provider's feedback choice (Stripe's portal: too_expensive, ...). */
      provider_feedback: Type.Union([Type.String(), Type.Null()]),
      /** What the customer wrote in the provider's cancel flow. */
      provider_comment: Type.Union([Type.String(), Type.Null()]),
      /**
       * The reason it is put down to in the insights: the owner's correction
       * (`PATCH /cancellations/:cancellation_id`), else the newest linked answer's, else the
       * provider's feedback mapped.
       */
      reason_id: Type.Union([Type.String(), Type.Null()]),
      reason_source: ReasonSource,
      /** The owner's correction, if any. */
      owner_reason_id: Type.Union([Type.String(), Type.Null()]),
      /** The newest linked answer's reason, shown even when the owner's correction wins. */
      answer_reason_id: Type.Union([Type.String(), Type.Null()]),
      /** A widget or REST API answer (not a skip) is linked. */
      answered: Type.Boolean(),
    }),
  ),
});

export const CancellationParams = Type.Object({ accountId: Id, cancellation_id: Id });

export const CancellationReasonBody = Type.Object({
  /** The owner's correction, an active reason of the account; null: none (the answer's or
   * the provider's reason counts again). */
  reason_id: Type.Union([Id, Type.Null()]),
});

export const CancellationReasonReply = Type.Object({
  cancellation: Type.Object({
    id: Type.String(),
    /** The reason it is put down to now: the owner's, else the answer's, else the provider's. */
    reason_id: Type.Union([Type.String(), Type.Null()]),
    reason_source: ReasonSource,
    /** The newest linked answer's reason, shown even when the owner's correction wins. */
    answer_reason_id: Type.Union([Type.String(), Type.Null()]),
  }),
});

const UnmatchedMode = Type.Object({
  total: Type.Integer(),
  /** The newest few, distinct, newest first. */
  customer_oids: Type.Array(Type.String()),
});

/**
 * Answers whose customer_oid is no customer the billing connection of their mode knows: null
 * for a mode without a connection (nothing to match against).
 */
export const UnmatchedAnswersReply = Type.Object({
  live: Type.Union([UnmatchedMode, Type.Null()]),
  test: Type.Union([UnmatchedMode, Type.Null()]),
});

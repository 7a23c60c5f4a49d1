import { Type } from "typebox";

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Timestamp = Type.String({ format: "date-time" });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
const Problem = Type.Object({ code: Type.String(), message: Type.String() });

export const BillingConnectionParams = Type.Object({ accountId: Id, connection_id: Id });

/** `POST /billing/stripe`'s body, from before the registry: the provider is in the path. */
export const ConnectStripeBody = Type.Object({
  /** The provider's key: Stripe's `rk_live_…`, `rk_test_…` (or a secret key); never echoed. */
  api_key: Type.String({ minLength: 1, maxLength: 500, pattern: "^\\S+$" }),
  /** The signing secret of the webhook endpoint added at the provider; may be given later. */
  webhook_secret: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 500, pattern: "^\\S+$" }), Type.Null()]),
  ),
});

export const ConnectBillingBody = Type.Object({
  /** A registered provider's name (`stripe`): see `providers` in the billing reply. */
  provider: Type.String({ minLength: 1, maxLength: 32 }),
  ...ConnectStripeBody.properties,
});

export const WebhookSecretBody = Type.Object({
  /** The endpoint's signing secret; null removes it (webhooks are then refused). */
  webhook_secret: Type.Union([
    Type.String({ minLength: 1, maxLength: 500, pattern: "^\\S+$" }),
    Type.Null(),
  ]),
});

/** The latest backfill of a connection, live while it runs. */
export const ApiBackfill = Type.Object({
  run_id: Type.String(),
  state: Type.Union([
    Type.Literal("running"),
    Type.Literal("succeeded"),
    Type.Literal("failed"),
    Type.Literal("canceled"),
  ]),
  phase: Type.Union([
    Type.Literal("customers"),
    Type.Literal("subscriptions"),
    Type.Literal("done"),
  ]),
  customers: Type.Integer(),
  subscriptions: Type.Integer(),
  requests: Type.Integer(),
  /** Objects stored per second so far. */
  per_second: Type.Number(),
  /**
   * 0-1, estimated (Stripe gives no totals): how far back in creation time the lists have
   * come, the subscriptions taken to be as many as the customers until they are listed.
   */
  fraction: Type.Number({ minimum: 0, maximum: 1 }),
  /** Seconds left at the rate so far; null unless running with some progress. */
  eta_seconds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  /**
   * Lists walk newest first: how far back the current phase has come. Stripe gives no totals,
   * so this is the progress there is to show; null before the first page.
   */
  reached_created: NullableTimestamp,
  started_at: Timestamp,
  updated_at: Timestamp,
  finished_at: NullableTimestamp,
  error: Type.Union([Problem, Type.Null()]),
});

export const ApiBillingConnection = Type.Object({
  id: Type.String(),
  /** A registered provider's name (`stripe`): see `providers` in the billing reply. */
  provider: Type.String(),
  /** Test connections' data is flagged test and kept out of live numbers. */
  mode: Type.Union([Type.Literal("live"), Type.Literal("test")]),
  status: Type.Union([Type.Literal("active"), Type.Literal("disconnected")]),
  provider_account_id: Type.Union([Type.String(), Type.Null()]),
  /** `rk_live_…wxyz`: tells keys apart; the key itself is never sent back. */
  api_key_hint: Type.Union([Type.String(), Type.Null()]),
  has_webhook_secret: Type.Boolean(),
  /** Where the provider sends this connection's events: `/webhooks/<provider>/<id>`. */
  webhook_url: Type.String(),
  /** The last problem, e.g. `cursor_aging`, `invalid_key`; null when all is well. */
  last_error: Type.Union([Type.Object({ ...Problem.properties, at: Timestamp }), Type.Null()]),
  created_at: Timestamp,
  disconnected_at: NullableTimestamp,
  backfill: Type.Union([ApiBackfill, Type.Null()]),
});

/** A provider this install can connect, and what to tell people to connect it. */
export const ApiBillingProvider = Type.Object({
  name: Type.String(),
  label: Type.String(),
  /** Where in the provider's dashboard the key is made. */
  key_help: Type.String(),
  /** Where in the provider's dashboard the webhook endpoint is added. */
  webhook_help: Type.String(),
  key_example: Type.String(),
  webhook_secret_example: Type.String(),
  /** What the key must be allowed to read. */
  read_permissions: Type.Array(Type.String()),
  /** The provider's events its webhook endpoint should send. */
  webhook_events: Type.Array(Type.String()),
});

export const BillingReply = Type.Object({
  /** Active first, then disconnected ones (their data stays as history); newest first. */
  connections: Type.Array(ApiBillingConnection),
  /** The providers one can connect, in the registry's order (Stripe first). */
  providers: Type.Array(ApiBillingProvider),
});

export const BillingConnectionReply = Type.Object({ connection: ApiBillingConnection });

export const BackfillStartedReply = Type.Object({
  /** False when a backfill was queued or running already: that one goes on. */
  queued: Type.Boolean(),
  backfill: Type.Union([ApiBackfill, Type.Null()]),
});

export const BackfillReply = Type.Object({ backfill: Type.Union([ApiBackfill, Type.Null()]) });

import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** Defaults to now() on insert, may be updated later. */
type TouchedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** The owner's rate of a currency into the account's reporting currency (migration 0019). */
export interface ExchangeRatesTable {
  account_id: string;
  currency: string;
  /** Major units: one `currency` is worth `rate` of the reporting currency. Numeric: text. */
  rate: ColumnType<string, string | number, string | number>;
  updated_at: ColumnType<Date | string, never, string | undefined>;
}

export interface AccountsTable {
  id: string;
  name: string;
  /** Set by the first live event: proof that the embed works. */
  install_verified_at: Timestamp | null;
  install_event_id: string | null;
  /** When on, widget events must carry customer_oid_hash (HMAC of customer_oid). */
  verify_customers: Generated<boolean>;
  customer_hash_secret: string;
  /** The widget's language for every customer; null lets each customer's page decide. */
  widget_locale: string | null;
  /** Lower case ISO 4217; totals are also shown in it when rates allow (migration 0019). */
  reporting_currency: Generated<string | null>;
  brand_color: Generated<string>;
  /** The owner's words over the built-in ones: `{ locale: { key: text } }`. */
  widget_texts: Generated<WidgetTextOverrides>;
  /** Sites allowed to embed the widget; empty allows any. */
  allowed_origins: Generated<string[]>;
  /** The demo account: the public /demo page writes into it and no other. */
  is_demo: Generated<boolean>;
  /** A customer gets at most one accepted offer in this many months (migration 0021). */
  offer_window_months: Generated<number>;
  /** Share of eligible customers shown no offer, to measure what offers change (0-50). */
  offer_holdout_percent: Generated<number>;
  /** Days after an accept before it may count as a save (migration 0022, 1-180). */
  offer_save_days: Generated<number>;
  /** Campaign emails sent a day (UTC) at most; the rest wait a day (migration 0023). */
  campaign_daily_limit: Generated<number>;
  created_at: CreatedAt;
}

export type WidgetTextOverrides = Record<string, Record<string, string>>;

export interface EmbedTokensTable {
  account_id: string;
  /** The public `access_token_id` pasted into the snippet. */
  id: string;
  name: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface ApiKeysTable {
  account_id: string;
  id: string;
  name: string;
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  secret_hash: string;
  /** First characters of the secret, so people can tell keys apart. */
  secret_prefix: string;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
}

export interface ReasonsTable {
  account_id: string;
  id: string;
  text: string;
  sort_key: number;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

/** An answer; a skip (cancelled without answering); a dismissal (closed, cancelled nothing). */
export type EventKind = "answer" | "skip" | "dismissal";
export type EventSource = "widget" | "api" | "email";

export interface EventsTable {
  account_id: string;
  id: string;
  kind: EventKind;
  source: EventSource;
  reason_id: string | null;
  /** The reason's text when the customer chose it; renames don't rewrite history. */
  reason_text: string | null;
  comment: string | null;
  customer_oid: string;
  subscription_oids: string[];
  test_mode: boolean;
  install_check: Generated<boolean>;
  idempotency_key: string | null;
  locale: string | null;
  /** MRR at stake in minor units, filled in by the billing sync. */
  mrr_amount: number | null;
  mrr_currency: string | null;
  /** The plan being cancelled, filled in by the billing sync. */
  plan: Generated<string | null>;
  created_at: CreatedAt;
}

/** Kept equal to `events` by triggers (migration 0003); '' stands for "none". */
export interface EventRollupsDailyTable {
  account_id: string;
  /** `YYYY-MM-DD`; compare with strings, select it through to_char (drivers map dates differently). */
  day: string;
  kind: EventKind;
  reason_id: string;
  plan: string;
  test_mode: boolean;
  currency: string;
  events: number;
  mrr_amount: number;
}

export type Role = "owner" | "member";

export interface UsersTable {
  id: string;
  /** Lower-cased: one person, one user, however they type their address. */
  email: string;
  /** argon2id, in the PHC string format (parameters and salt included). */
  password_hash: string;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  account_id: string;
  user_id: string;
  role: Role;
  created_at: CreatedAt;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the random token in the cookie; the token itself is never stored. */
  id: string;
  user_id: string;
  created_at: CreatedAt;
  last_seen_at: TouchedAt;
  expires_at: Timestamp;
  user_agent: string | null;
}

export interface InvitesTable {
  account_id: string;
  id: string;
  /** SHA-256 (hex) of the link's token, shown once to the owner who invited. */
  token_hash: string;
  /** When set, only this person may accept. */
  email: string | null;
  role: Role;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface LoginThrottleTable {
  /** SHA-256 (hex) of "email:<address>" or "ip:<address>". */
  key: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
}

export type WebhookKind = "webhook" | "slack";
/** As the contract's `WebhookEventType` (the db layer imports nothing above it). */
export type WebhookEventType =
  | "cancellation.created"
  | "cancellation.updated"
  | "retention.accepted"
  | "retention.saved";
export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface WebhookEndpointsTable {
  account_id: string;
  id: string;
  url: string;
  kind: WebhookKind;
  description: Generated<string>;
  event_types: WebhookEventType[];
  enabled: Generated<boolean>;
  /** Whether test-mode events are sent too. */
  include_test: Generated<boolean>;
  /** Signs every delivery; shown to owners, since receivers need it to verify. */
  secret: string;
  /** The secret before the last rotation, still signing until it expires. */
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: TouchedAt;
}

/** An events row as JSON (timestamps as text), kept with a delivery. */
export type EventSnapshot = Omit<EventRow, "created_at"> & { created_at: string };

/**
 * A `retention.*` delivery's payload, presented when it was queued (the contract's
 * `WebhookRetention`; src/presenters/retention.ts): what the log and the sender read of it.
 */
export interface RetentionSnapshot {
  acceptance_id: string;
  customer_oid: string;
  test_mode: boolean;
}

export interface WebhookDeliveriesTable {
  account_id: string;
  /** Stable across retries: receivers dedupe on it. Made by the database. */
  id: Generated<string>;
  endpoint_id: string;
  /** A `WebhookEventType`, or `ping` for a test from the dashboard. */
  event_type: string;
  event_id: string | null;
  event: EventSnapshot | RetentionSnapshot | null;
  status: Generated<DeliveryStatus>;
  /** Attempts since the delivery was (re)queued: drives backoff and the cap. */
  attempts: Generated<number>;
  next_attempt_at: TouchedAt;
  /** A worker's claim: until then no other worker takes it, after it anyone may. */
  locked_until: Timestamp | null;
  lease_token: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: TouchedAt;
  delivered_at: Timestamp | null;
}

export interface WebhookAttemptsTable {
  account_id: string;
  delivery_id: string;
  id: Generated<number>;
  attempted_at: Timestamp;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  /** The start of the receiver's answer, to debug with. */
  response_body: string | null;
}

export type JobStatus = "pending" | "running" | "done" | "failed";

/** What a running job says of its work, for the dashboard and the CLI to show. */
export interface JobProgress {
  done?: number;
  total?: number;
  phase?: string;
}

/** A background job (migration 0012; src/jobs runs them). */
export interface JobsTable {
  id: Generated<string>;
  account_id: string | null;
  kind: string;
  payload: ColumnType<unknown, string | undefined, string>;
  /** One job per kind and key: enqueueing it again finds the job already there. */
  dedupe_key: string | null;
  status: Generated<JobStatus>;
  /** When it may run (first, or again after a failed attempt). */
  run_at: TouchedAt;
  /** Attempts so far, each counted when a worker claims the job. */
  attempts: Generated<number>;
  max_attempts: number;
  /** A worker's claim: until then no other worker takes it, after it anyone may. */
  locked_until: Timestamp | null;
  lease_token: string | null;
  /** `locked_until` while it has one, else `run_at`: when a worker must look at it next. */
  due_at: ColumnType<Date, never, never>;
  last_error: string | null;
  progress: ColumnType<JobProgress | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: TouchedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

/** The logo in the widget's header (migration 0006). */
export interface WidgetLogosTable {
  account_id: string;
  /** Read from the image's own bytes, never taken from the upload's headers. */
  content_type: string;
  image: Uint8Array;
  /** Of the image's bytes; names it in its public, long-cached URL. */
  hash: string;
  updated_at: TouchedAt;
}

/** The first successful reply to a REST API POST, per account and Idempotency-Key. */
export interface ApiIdempotencyKeysTable {
  account_id: string;
  key: string;
  request_hash: string;
  status: number;
  response: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
}

/** A key that may have sealed secrets here, by its id (migration 0013). */
export interface SecretsKeysTable {
  id: string;
  created_at: CreatedAt;
}

/** JSON stored as jsonb: written as its text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;
type JsonOrNull<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** A registered provider kind's name (src/billing/providers.ts): `stripe`, ... */
export type BillingProviderName = string;
export type BillingMode = "live" | "test";
export type BillingConnectionStatus = "active" | "disconnected";

/** What went wrong last with a connection, for the dashboard: a provider error's code. */
export interface BillingConnectionError {
  code: string;
  message: string;
  /** ISO time. */
  at: string;
}

/** A place in the provider's event stream (src/billing's `EventCursor`): Unix seconds. */
export interface StoredEventCursor {
  eventId: string | null;
  created: number;
}

/**
 * How a backfill walks one list (migration 0016): the span of creation times probed before
 * (Unix seconds, `oldest` an estimate within a small margin) and its `created` windows, newest
 * first, [gte, lt) each, the first open above and the last open below so that together they
 * cover everything; `at` is the window being listed.
 */
export interface StoredListPlan {
  newest: number;
  oldest: number;
  windows: { gte?: number; lt?: number }[];
  at: number;
}

/** A connected billing provider account in one mode (migration 0014). */
export interface BillingConnectionsTable {
  id: string;
  account_id: string;
  provider: BillingProviderName;
  mode: BillingMode;
  /** The provider's id of the connected account (Stripe `acct_…`), when known. */
  provider_account_id: string | null;
  /** Sealed at rest; null once disconnected. */
  api_key: string | null;
  /** `rk_live_…wxyz`: tells keys apart without showing one. */
  api_key_hint: string | null;
  /** Sealed at rest; checks the provider's webhooks. */
  webhook_secret: string | null;
  status: Generated<BillingConnectionStatus>;
  last_error: JsonOrNull<BillingConnectionError>;
  event_cursor: JsonOrNull<StoredEventCursor>;
  /** When the event cursor last moved: an old one risks the provider's event retention. */
  event_cursor_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: TouchedAt;
  disconnected_at: Timestamp | null;
}

/** Why a run failed: a provider error's code and our message (safe to log). */
export interface BillingSyncError {
  code: string;
  message: string;
}

export type BillingSyncState = "running" | "succeeded" | "failed" | "canceled";
export type BillingSyncPhase = "customers" | "subscriptions" | "events" | "done";

/** One backfill of a connection; at most one running per connection. */
export interface BillingSyncRunsTable {
  id: string;
  account_id: string;
  connection_id: string;
  state: Generated<BillingSyncState>;
  phase: Generated<BillingSyncPhase>;
  /** The provider's page cursor: the phase (its current window) resumes right after it. */
  cursor: string | null;
  /** The current phase's list plan; null until planned. */
  list_plan: JsonOrNull<StoredListPlan>;
  /** Taken before the backfill; the catch-up after it starts here. */
  event_cursor: JsonOrNull<StoredEventCursor>;
  customers_seen: Generated<number>;
  subscriptions_seen: Generated<number>;
  requests_made: Generated<number>;
  /** The oldest creation time listed so far in the phase (lists walk newest first). */
  oldest_created: Timestamp | null;
  started_at: CreatedAt;
  updated_at: TouchedAt;
  finished_at: Timestamp | null;
  error: JsonOrNull<BillingSyncError>;
}

export interface BillingCustomersTable {
  connection_id: string;
  id: string;
  account_id: string;
  test_mode: boolean;
  email: string | null;
  name: string | null;
  created: Timestamp | null;
  deleted: boolean;
  /** The provider's own object, as it came. */
  raw: Json<unknown>;
  synced_at: TouchedAt;
}

/** One item of a subscription, as much as the dashboard shows of it. */
export interface SubscriptionItemSummary {
  priceId: string;
  plan: string | null;
  quantity: number;
  interval: "day" | "week" | "month" | "year" | null;
  intervalCount: number | null;
}

export interface StoredCancellationDetails {
  reason: string | null;
  feedback: string | null;
  comment: string | null;
}

/** Where a subscription's stored state came from: a fetch, or an event's copy. */
export type ObservedSource = "fetch" | "event";

export interface BillingSubscriptionsTable {
  connection_id: string;
  id: string;
  account_id: string;
  customer_id: string;
  test_mode: boolean;
  status: string;
  currency: string;
  /** MRR now, by status, in minor units of `currency`. */
  mrr_amount: number;
  /** What it is worth a month whatever its status: the MRR lost when it ends. */
  monthly_value: number;
  plan: string | null;
  items: Json<SubscriptionItemSummary[]>;
  created: Timestamp | null;
  trial_end: Timestamp | null;
  current_period_end: Timestamp | null;
  cancel_at: Timestamp | null;
  canceled_at: Timestamp | null;
  ended_at: Timestamp | null;
  cancel_at_period_end: boolean;
  paused_collection: boolean;
  cancellation_details: Json<StoredCancellationDetails>;
  raw: Json<unknown>;
  /** When the stored state was true (ms): the guard against older news. */
  observed_at_ms: number;
  observed_source: ObservedSource;
  synced_at: TouchedAt;
}

export type ProviderEventSource = "webhook" | "catch_up";

/** Provider events taken in, so that each is processed once (migration 0014). */
export interface ProviderEventsTable {
  connection_id: string;
  id: string;
  account_id: string;
  type: string;
  created: Timestamp;
  received_at: CreatedAt;
  source: ProviderEventSource;
  claimed_at: TouchedAt;
  processed_at: Timestamp | null;
}

/**
 * Who ended a subscription at the provider (migration 0015). `provider`: its dashboard or its
 * API where the provider does not tell them apart (Stripe's events do not: src/billing's
 * cancellation-change.ts).
 */
export type CancellationPath =
  | "portal"
  | "provider"
  | "provider_dashboard"
  | "provider_api"
  | "payment_failure"
  | "unknown";
/** Now, at the end of the paid period, or at a date chosen for it. */
export type CancellationTiming = "immediate" | "period_end" | "scheduled";
/** Set to end; ended; cleared before it ended (not churn). */
export type CancellationState = "scheduled" | "ended" | "reactivated";

/** One subscription that ends or is set to end, whatever the path (migration 0015). */
export interface CancellationsTable {
  id: string;
  account_id: string;
  /** The billing connection it came through; null when known only from the REST API. */
  connection_id: string | null;
  subscription_id: string;
  customer_id: string;
  test_mode: boolean;
  path: CancellationPath;
  timing: CancellationTiming;
  /** False for payment failures: kept apart from voluntary churn. */
  voluntary: boolean;
  state: CancellationState;
  requested_at: Timestamp;
  ends_at: Timestamp | null;
  ended_at: Timestamp | null;
  reactivated_at: Timestamp | null;
  /** The subscription's own start, for tenure at the time of the request. */
  subscription_created_at: Timestamp | null;
  /** MRR from before the change, monthly, minor units. */
  lost_mrr_amount: ColumnType<number | null, number | null | undefined, number | null>;
  lost_mrr_currency: string | null;
  plan: string | null;
  /** The provider's own words: Stripe's cancellation_details.reason, feedback, comment. */
  provider_reason: string | null;
  provider_feedback: string | null;
  /** Customer text: never logged. */
  provider_comment: string | null;
  /** The account's reason the feedback maps to. */
  reason_id: string | null;
  /** The owner's correction: wins over answers and feedback (src/db/cancellation-reason.ts). */
  owner_reason_id: string | null;
  created_at: CreatedAt;
  updated_at: TouchedAt;
}

export type CancellationLinkKind = "subscription_oid" | "window";

/** An answer (or skip) and a cancellation it explains (migration 0015). */
export interface CancellationAnswersTable {
  cancellation_id: string;
  event_id: string;
  account_id: string;
  linked_by: CancellationLinkKind;
  created_at: CreatedAt;
}

/** An account's email settings (migration 0020); an account without a row has the defaults. */
export interface EmailSettingsTable {
  account_id: string;
  reason_delay_minutes: Generated<number>;
  reason_link_days: Generated<number>;
  updated_at: TouchedAt;
}

export type EmailKind = "reason" | "campaign";
/**
 * scheduled (its job waits), sending (a worker took it: never sent twice), sent (by SMTP),
 * outbox (no SMTP: kept to read in the dashboard), skipped (no longer wanted), failed.
 */
export type EmailStatus = "scheduled" | "sending" | "sent" | "outbox" | "skipped" | "failed";

/** One email, its status and, for a reason email, its link's state (migration 0020). */
export interface EmailsTable {
  id: string;
  account_id: string;
  kind: EmailKind;
  cancellation_id: string | null;
  to_address: string | null;
  subject: string | null;
  status: Generated<EmailStatus>;
  error: string | null;
  body_text: string | null;
  body_html: string | null;
  link_expires_at: Timestamp | null;
  link_used_at: Timestamp | null;
  event_id: string | null;
  created_at: CreatedAt;
  updated_at: TouchedAt;
  sent_at: Timestamp | null;
  /** A campaign email's campaign, enrollment and step index (migration 0023). */
  campaign_id: string | null;
  enrollment_id: string | null;
  step_index: number | null;
  /** A test send from the dashboard, with sample values. */
  is_test: Generated<boolean>;
}

export type OfferKind = "discount" | "pause" | "price_switch" | "trial_extension" | "contact_link";

/** An offer's own parameters; which ones apply depends on its kind (src/contract/offers.ts). */
export interface OfferParams {
  percent_off?: number;
  amount_off?: number;
  currency?: string;
  duration_in_months?: number;
  months?: number;
  price_id?: string;
  proration?: "create_prorations" | "none" | "always_invoice";
  days?: number;
  url?: string;
}

/** A retention offer of an account (migration 0021). */
export interface OffersTable {
  id: string;
  account_id: string;
  kind: OfferKind;
  title: string;
  description: string | null;
  params: Json<OfferParams>;
  reason_ids: Json<string[]>;
  /** Conditions on the customer's subscription; null: any. `plan` is a price id or plan name. */
  plan: string | null;
  min_tenure_days: number | null;
  max_tenure_days: number | null;
  billing_interval: "day" | "week" | "month" | "year" | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: TouchedAt;
}

/** `shown`: offered, whatever the customer did next; the lift's treated group. */
export type OfferResult = "shown" | "applied" | "failed" | "held_out";

/** Where proving an applied offer stands (src/offers/save-decision.ts). */
export type SaveStatus = "pending" | "saved" | "lost";

/** Optional on insert, so rows that are no save leave it out. */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** Every offer shown, accepted or failed (and every customer held out), with its result. */
export interface OfferAcceptancesTable {
  id: string;
  account_id: string;
  offer_id: string;
  offer_kind: OfferKind;
  connection_id: string | null;
  customer_id: string;
  subscription_id: string | null;
  test_mode: boolean;
  token_id: string | null;
  result: OfferResult;
  error_code: string | null;
  /** Null for rows that are no save to prove. */
  save_status: Optional<SaveStatus>;
  save_due_at: Optional<Date | string>;
  save_decided_at: Optional<Date | string>;
  save_reason: Optional<string>;
  saved_mrr_amount: Optional<number>;
  saved_mrr_currency: Optional<string>;
  save_invoice_id: Optional<string>;
  created_at: CreatedAt;
}

/** One email of a campaign: sent `delay_days` after the step before (the first: after the end). */
export interface CampaignStep {
  delay_days: number;
  subject: string;
  body: string;
}

/** A win-back campaign: emails to customers whose cancellation for its reasons ended. */
export interface CampaignsTable {
  id: string;
  account_id: string;
  name: string;
  reason_ids: Json<string[]>;
  offer_id: string | null;
  steps: Json<CampaignStep[]>;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: TouchedAt;
}

export type EnrollmentState = "active" | "stopped" | "completed" | "unsubscribed";

/** A cancellation's way through a campaign's steps. */
export interface CampaignEnrollmentsTable {
  id: string;
  account_id: string;
  campaign_id: string;
  cancellation_id: string;
  connection_id: string | null;
  customer_id: string;
  email: string;
  next_step: Generated<number>;
  next_at: Timestamp | null;
  state: Generated<EnrollmentState>;
  stop_reason: string | null;
  created_at: CreatedAt;
  updated_at: TouchedAt;
}

/** An address that wants no campaign email from the account any more. */
export interface CampaignUnsubscribesTable {
  account_id: string;
  email: string;
  created_at: CreatedAt;
}

export interface DB {
  accounts: AccountsTable;
  exchange_rates: ExchangeRatesTable;
  embed_tokens: EmbedTokensTable;
  api_keys: ApiKeysTable;
  reasons: ReasonsTable;
  events: EventsTable;
  event_rollups_daily: EventRollupsDailyTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  invites: InvitesTable;
  login_throttle: LoginThrottleTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  widget_logos: WidgetLogosTable;
  api_idempotency_keys: ApiIdempotencyKeysTable;
  jobs: JobsTable;
  secrets_keys: SecretsKeysTable;
  billing_connections: BillingConnectionsTable;
  billing_sync_runs: BillingSyncRunsTable;
  billing_customers: BillingCustomersTable;
  billing_subscriptions: BillingSubscriptionsTable;
  provider_events: ProviderEventsTable;
  cancellations: CancellationsTable;
  cancellation_answers: CancellationAnswersTable;
  email_settings: EmailSettingsTable;
  emails: EmailsTable;
  offers: OffersTable;
  offer_acceptances: OfferAcceptancesTable;
  campaigns: CampaignsTable;
  campaign_enrollments: CampaignEnrollmentsTable;
  campaign_unsubscribes: CampaignUnsubscribesTable;
}

export type Account = Selectable<AccountsTable>;
export type Reason = Selectable<ReasonsTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
export type User = Selectable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
export type Invite = Selectable<InvitesTable>;
export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type WebhookAttempt = Selectable<WebhookAttemptsTable>;
export type WidgetLogo = Selectable<WidgetLogosTable>;
export type Job = Selectable<JobsTable>;
export type BillingConnectionRow = Selectable<BillingConnectionsTable>;
export type BillingSyncRun = Selectable<BillingSyncRunsTable>;
export type BillingCustomerRow = Selectable<BillingCustomersTable>;
export type BillingSubscriptionRow = Selectable<BillingSubscriptionsTable>;
export type ProviderEventRow = Selectable<ProviderEventsTable>;
export type Cancellation = Selectable<CancellationsTable>;
export type CancellationAnswer = Selectable<CancellationAnswersTable>;
export type EmailSettings = Selectable<EmailSettingsTable>;
export type EmailRow = Selectable<EmailsTable>;
export type Offer = Selectable<OffersTable>;
export type OfferAcceptance = Selectable<OfferAcceptancesTable>;
export type Campaign = Selectable<CampaignsTable>;
export type CampaignEnrollment = Selectable<CampaignEnrollmentsTable>;

/** What the server's dashboard API replies, as the dashboard reads it. */

export type Role = "owner" | "member";

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface User {
  id: string;
  email: string;
}

export interface Account {
  id: string;
  name: string;
  role: Role;
  created_at: string;
}

export interface Session {
  user: User;
  accounts: Account[];
  csrf_token: string;
}

export interface SetupStatus {
  needs_first_user: boolean;
}

export interface Money {
  /** Integer minor units (cents). */
  amount: number;
  currency: string;
}

export interface Totals {
  cancellations: number;
  answers: number;
  skips: number;
  dismissals: number;
  /** answers / cancellations, 0..1; null without cancellations. */
  coverage: number | null;
  lost_mrr: Money[];
}

export interface ReasonInsight {
  reason_id: string;
  text: string;
  archived: boolean;
  answers: number;
  share: number;
  lost_mrr: Money[];
}

export interface Insights {
  from: string;
  to: string;
  previous: { from: string; to: string };
  current: Totals;
  previous_totals: Totals;
  reasons: ReasonInsight[];
  plans: string[];
}

export type Interval = "week" | "month";

export interface TrendPoint {
  bucket: string;
  reason_id: string;
  answers: number;
  mrr: number;
}

export interface Trend {
  interval: Interval;
  points: TrendPoint[];
}

export type EventKind = "answer" | "skip" | "dismissal";

export interface ApiEvent {
  id: string;
  kind: EventKind;
  source: "widget" | "api";
  reason_id: string | null;
  reason: string | null;
  comment: string | null;
  customer_oid: string;
  subscription_oids: string[];
  test_mode: boolean;
  install_check: boolean;
  locale: string | null;
  plan: string | null;
  mrr: Money | null;
  created_at: string;
}

export interface EventPage {
  events: ApiEvent[];
  next_cursor: string | null;
}

export interface Reason {
  id: string;
  text: string;
  sort_key: number;
  archived: boolean;
  answers_total: number;
}

export interface SetupInfo {
  public_url: string;
  access_token_id: string | null;
  /** Null without an active embed token. */
  snippet: string | null;
  install_verified_at: string | null;
  install_event: ApiEvent | null;
}

export interface Member {
  user_id: string;
  email: string;
  role: Role;
  created_at: string;
}

export interface Invite {
  id: string;
  email: string | null;
  role: Role;
  created_at: string;
  expires_at: string;
}

export interface EmbedToken {
  id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

export interface WidgetSettings {
  /** A fixed language for the widget, or null: the customer's (page or browser). */
  locale: string | null;
  brand_color: string;
  /** The owner's own words, per language and text key. */
  texts: Record<string, Record<string, string>>;
  /** Sites allowed to embed the widget; empty: any. */
  allowed_origins: string[];
  verify_customers: boolean;
  /** Owners only. */
  customer_hash_secret: string | null;
  available_locales: string[];
  text_keys: string[];
  logo: WidgetLogo | null;
}

export interface WidgetLogo {
  /** Same-origin, changes with the image. */
  url: string;
  content_type: string;
  size: number;
}

export type WidgetSettingsChanges = Partial<
  Pick<WidgetSettings, "locale" | "brand_color" | "texts" | "allowed_origins" | "verify_customers">
>;

export type WebhookEventType =
  | "cancellation.created"
  | "cancellation.updated"
  | "retention.accepted";
export type WebhookKind = "webhook" | "slack";

export interface WebhookEndpoint {
  id: string;
  url: string;
  kind: WebhookKind;
  description: string;
  event_types: WebhookEventType[];
  enabled: boolean;
  include_test: boolean;
  /** Owners only; null for members. */
  secret: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewWebhookEndpoint {
  url: string;
  kind: WebhookKind;
  description?: string;
  event_types: WebhookEventType[];
  include_test: boolean;
}

export type WebhookEndpointChanges = Partial<
  Pick<WebhookEndpoint, "url" | "description" | "event_types" | "enabled" | "include_test">
>;

export interface WebhookAttempt {
  attempted_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
}

export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event_type: string;
  event_id: string | null;
  customer_oid: string | null;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  attempt_log: WebhookAttempt[];
}

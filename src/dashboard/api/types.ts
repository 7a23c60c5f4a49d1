/**
 * What the server's dashboard API replies, as the dashboard reads it: derived from the schemas
 * the server validates and serialises with, so the two cannot drift apart. Imports here are
 * type-only: they are erased, and no server code reaches the dashboard bundle.
 */
import type { Static } from "typebox";
import type * as accounts from "../../contract/accounts.js";
import type * as auth from "../../contract/auth.js";
import type * as billing from "../../contract/billing.js";
import type * as cancellations from "../../contract/cancellations.js";
import type * as dashboard from "../../contract/dashboard.js";
import type * as v1 from "../../contract/v1.js";
import type * as webhooks from "../../contract/webhooks.js";

/** The service's one error shape, on every route (documented with the REST API). */
export type ApiErrorBody = Static<typeof v1.ErrorReply>;

export type Role = Static<typeof accounts.Role>;
export type Account = Static<typeof accounts.ApiAccount>;
export type Member = Static<typeof accounts.ApiMember>;
export type Invite = Static<typeof accounts.ApiInvite>;
export type EmbedToken = Static<typeof accounts.ApiEmbedToken>;
export type ApiKey = Static<typeof accounts.ApiKeyInfo>;

export type Session = Static<typeof auth.SessionReply>;
export type User = Session["user"];
export type SetupStatus = Static<typeof auth.SetupStatusReply>;

export type Insights = Static<typeof dashboard.InsightsReply>;
export type Totals = Insights["current"];
export type ReasonInsight = Insights["reasons"][number];
/** Integer minor units (cents) of a currency. */
export type Money = Totals["lost_mrr"][number];

export type Interval = Static<typeof dashboard.TrendQuery>["interval"];
export type Trend = Static<typeof dashboard.TrendReply>;
export type TrendPoint = Trend["points"][number];

export type EventPage = Static<typeof dashboard.EventsReply>;
export type ApiEvent = EventPage["events"][number];
export type EventKind = ApiEvent["kind"];

export type Reason = Static<typeof dashboard.ApiReason>;
export type SetupInfo = Static<typeof dashboard.SetupReply>;

export type WidgetSettings = Static<typeof dashboard.WidgetSettingsReply>["settings"];
export type WidgetLogo = NonNullable<WidgetSettings["logo"]>;
export type WidgetSettingsChanges = Static<typeof dashboard.WidgetSettingsBody>;

export type WebhookEndpoint = Static<typeof webhooks.ApiWebhookEndpoint>;
export type WebhookEventType = WebhookEndpoint["event_types"][number];
export type WebhookKind = WebhookEndpoint["kind"];
export type NewWebhookEndpoint = Static<typeof webhooks.CreateWebhookBody>;
export type WebhookEndpointChanges = Static<typeof webhooks.UpdateWebhookBody>;
/** As the delivery log lists it; ping and redeliver reply without `attempt_log`. */
export type WebhookDelivery = Static<typeof webhooks.ApiDeliveryWithAttempts>;
export type WebhookAttempt = WebhookDelivery["attempt_log"][number];

export type CancellationInsights = Static<typeof cancellations.CancellationInsightsReply>;
export type CustomerBilling = Static<typeof cancellations.CustomerBillingReply>;
export type UnmatchedAnswers = Static<typeof cancellations.UnmatchedAnswersReply>;
export type BillingConnection = Static<typeof billing.ApiBillingConnection>;
export type BillingProviderInfo = Static<typeof billing.ApiBillingProvider>;
export type Backfill = Static<typeof billing.ApiBackfill>;

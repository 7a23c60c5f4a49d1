import type { Static } from "typebox";
// Each route's reply and body, from the schema the server validates it with (types only).
import type * as accounts from "../../contract/accounts.js";
import type * as authSchemas from "../../contract/auth.js";
import type * as billing from "../../contract/billing.js";
import type * as campaignSchemas from "../../contract/campaigns.js";
import type * as cancellations from "../../contract/cancellations.js";
import type * as dashboard from "../../contract/dashboard.js";
import type * as emailSchemas from "../../contract/emails.js";
import type * as invites from "../../contract/invites.js";
import type * as offerPerformance from "../../contract/offer-performance.js";
import type * as offers from "../../contract/offers.js";
import type * as reporting from "../../contract/reporting-currency.js";
import type * as webhooks from "../../contract/webhooks.js";
import { api, type Query, queryString } from "./client.js";
import type {
  EventKind,
  EventPage,
  Insights,
  Interval,
  NewWebhookEndpoint,
  Role,
  Session,
  SetupInfo,
  SetupStatus,
  Trend,
  WebhookEndpointChanges,
  WidgetSettingsChanges,
} from "./types.js";

export const auth = {
  setupStatus: () => api.get<SetupStatus>("/api/setup/status"),
  firstUser: (body: Static<typeof authSchemas.FirstUserBody>) =>
    api.post<Session>("/api/setup/first-user", body),
  login: (body: Static<typeof authSchemas.LoginBody>) => api.post<Session>("/api/auth/login", body),
  session: () => api.get<Session>("/api/session"),
  logout: () => api.post<Static<typeof authSchemas.LogoutReply>>("/api/auth/logout"),
  logoutEverywhere: () =>
    api.post<Static<typeof authSchemas.LogoutReply>>("/api/auth/logout-everywhere"),
  acceptInvite: (token: string, body: Static<typeof invites.AcceptInviteBody>) =>
    api.post<Static<typeof invites.AcceptInviteReply>>(
      `/api/invites/${encodeURIComponent(token)}/accept`,
      body,
    ),
};

/** Filters shared by the insights, the event list and the export. */
export interface InsightsFilter {
  from: string;
  to: string;
  reasonIds: string[];
  plans: string[];
  includeTest: boolean;
}

function insightsQuery(filter: InsightsFilter): Query {
  return {
    from: filter.from,
    to: filter.to,
    include_test: filter.includeTest,
    reason_id: filter.reasonIds,
    plan: filter.plans,
  };
}

export interface EventFilter {
  q?: string;
  reasonId?: string;
  customerOid?: string;
  kind?: EventKind | "";
  from?: string;
  to?: string;
  includeTest?: boolean;
  /** Only events that carry a comment. */
  withComment?: boolean;
}

function eventQuery(filter: EventFilter): Query {
  return {
    q: filter.q?.trim(),
    reason_id: filter.reasonId ? [filter.reasonId] : undefined,
    customer_oid: filter.customerOid,
    kind: filter.kind,
    from: filter.from,
    to: filter.to,
    include_test: filter.includeTest,
    with_comment: filter.withComment,
  };
}

/** Everything under `/api/accounts/:accountId`. */
export function accountApi(accountId: string) {
  const base = `/api/accounts/${encodeURIComponent(accountId)}`;
  return {
    base,
    rename: (name: string) => api.patch<Static<typeof accounts.AccountReply>>(base, { name }),
    insights: (filter: InsightsFilter) =>
      api.get<Insights>(`${base}/insights`, insightsQuery(filter)),
    cancellationInsights: (filter: InsightsFilter) =>
      api.get<Static<typeof cancellations.CancellationInsightsReply>>(
        `${base}/insights/cancellations`,
        { from: filter.from, to: filter.to, include_test: filter.includeTest },
      ),
    customerBilling: (customerOid: string) =>
      api.get<Static<typeof cancellations.CustomerBillingReply>>(`${base}/customers/billing`, {
        customer_oid: customerOid,
      }),
    setCancellationReason: (id: string, reasonId: string | null) =>
      api.patch<Static<typeof cancellations.CancellationReasonReply>>(
        `${base}/cancellations/${encodeURIComponent(id)}`,
        { reason_id: reasonId },
      ),
    unmatchedAnswers: () =>
      api.get<Static<typeof cancellations.UnmatchedAnswersReply>>(
        `${base}/setup/unmatched-answers`,
      ),

    billing: () => api.get<Static<typeof billing.BillingReply>>(`${base}/billing`),
    reportingCurrency: () =>
      api.get<Static<typeof reporting.ReportingCurrencyReply>>(`${base}/reporting-currency`),
    setReportingCurrency: (currency: string | null) =>
      api.put<Static<typeof reporting.ReportingCurrencyReply>>(`${base}/reporting-currency`, {
        reporting_currency: currency,
      }),
    setExchangeRate: (currency: string, rate: number) =>
      api.post<Static<typeof reporting.ReportingCurrencyReply>>(`${base}/exchange-rates`, {
        rates: [{ currency, rate }],
      }),
    deleteExchangeRate: (currency: string) =>
      api.delete<Static<typeof reporting.ReportingCurrencyReply>>(
        `${base}/exchange-rates/${encodeURIComponent(currency)}`,
      ),
    connectBilling: (body: Static<typeof billing.ConnectBillingBody>) =>
      api.post<Static<typeof billing.BillingConnectionReply>>(`${base}/billing`, body),
    setBillingWebhookSecret: (id: string, webhookSecret: string | null) =>
      api.patch<Static<typeof billing.BillingConnectionReply>>(
        `${base}/billing/${encodeURIComponent(id)}`,
        { webhook_secret: webhookSecret },
      ),
    disconnectBilling: (id: string) =>
      api.delete<Static<typeof billing.BillingConnectionReply>>(
        `${base}/billing/${encodeURIComponent(id)}`,
      ),
    startBackfill: (id: string) =>
      api.post<Static<typeof billing.BackfillStartedReply>>(
        `${base}/billing/${encodeURIComponent(id)}/sync`,
      ),
    backfill: (id: string) =>
      api.get<Static<typeof billing.BackfillReply>>(
        `${base}/billing/${encodeURIComponent(id)}/sync`,
      ),
    trend: (filter: InsightsFilter, interval: Interval) =>
      api.get<Trend>(`${base}/insights/trend`, { ...insightsQuery(filter), interval }),
    events: (filter: EventFilter, cursor?: string | null, limit = 50) =>
      api.get<EventPage>(`${base}/events`, { ...eventQuery(filter), cursor, limit }),
    exportUrl: (format: "csv" | "json", filter: EventFilter) =>
      `${base}/export${queryString({ format, ...eventQuery(filter) })}`,

    reasons: () => api.get<Static<typeof dashboard.ReasonsReply>>(`${base}/reasons`),
    addReason: (text: string) =>
      api.post<Static<typeof dashboard.ReasonReply>>(`${base}/reasons`, { text }),
    updateReason: (id: string, change: Static<typeof dashboard.ReasonChangesBody>) =>
      api.patch<Static<typeof dashboard.ReasonReply>>(
        `${base}/reasons/${encodeURIComponent(id)}`,
        change,
      ),
    orderReasons: (ids: string[]) =>
      api.put<Static<typeof dashboard.ReasonsReply>>(`${base}/reasons/order`, { ids }),

    setup: () => api.get<SetupInfo>(`${base}/setup`),
    widgetSettings: () =>
      api.get<Static<typeof dashboard.WidgetSettingsReply>>(`${base}/widget-settings`),
    updateWidgetSettings: (changes: WidgetSettingsChanges) =>
      api.patch<Static<typeof dashboard.WidgetSettingsReply>>(`${base}/widget-settings`, changes),
    uploadLogo: (file: Blob) =>
      api.put<Static<typeof dashboard.LogoReply>>(`${base}/widget-settings/logo`, file),
    removeLogo: () =>
      api.delete<Static<typeof dashboard.LogoReply>>(`${base}/widget-settings/logo`),

    members: () => api.get<Static<typeof accounts.MembersReply>>(`${base}/members`),
    setRole: (userId: string, role: Role) =>
      api.patch<Static<typeof accounts.MemberReply>>(
        `${base}/members/${encodeURIComponent(userId)}`,
        { role },
      ),
    // 204 without a body: the route declares no reply schema to derive from.
    removeMember: (userId: string) =>
      api.delete<undefined>(`${base}/members/${encodeURIComponent(userId)}`),
    invites: () => api.get<Static<typeof accounts.InvitesReply>>(`${base}/invites`),
    invite: (body: Static<typeof accounts.InviteBody>) =>
      api.post<Static<typeof accounts.CreatedInviteReply>>(`${base}/invites`, body),
    revokeInvite: (id: string) =>
      api.delete<Static<typeof accounts.InviteReply>>(`${base}/invites/${encodeURIComponent(id)}`),

    embedTokens: () => api.get<Static<typeof accounts.EmbedTokensReply>>(`${base}/embed-tokens`),
    createEmbedToken: (name: string) =>
      api.post<Static<typeof accounts.EmbedTokenReply>>(`${base}/embed-tokens`, { name }),
    rotateEmbedToken: (id: string) =>
      api.post<Static<typeof accounts.EmbedTokenReply>>(
        `${base}/embed-tokens/${encodeURIComponent(id)}/rotate`,
      ),
    revokeEmbedToken: (id: string) =>
      api.delete<Static<typeof accounts.EmbedTokenReply>>(
        `${base}/embed-tokens/${encodeURIComponent(id)}`,
      ),

    apiKeys: () => api.get<Static<typeof accounts.ApiKeysReply>>(`${base}/api-keys`),
    createApiKey: (name: string) =>
      api.post<Static<typeof accounts.CreatedApiKeyReply>>(`${base}/api-keys`, { name }),
    rotateApiKey: (id: string) =>
      api.post<Static<typeof accounts.CreatedApiKeyReply>>(
        `${base}/api-keys/${encodeURIComponent(id)}/rotate`,
      ),
    revokeApiKey: (id: string) =>
      api.delete<Static<typeof accounts.ApiKeyReply>>(`${base}/api-keys/${encodeURIComponent(id)}`),

    emails: () => api.get<Static<typeof emailSchemas.EmailsReply>>(`${base}/emails`),
    emailSettings: () =>
      api.get<Static<typeof emailSchemas.EmailSettingsReply>>(`${base}/email-settings`),
    setEmailSettings: (body: Static<typeof emailSchemas.EmailSettingsBody>) =>
      api.patch<Static<typeof emailSchemas.EmailSettingsReply>>(`${base}/email-settings`, body),

    campaigns: () => api.get<Static<typeof campaignSchemas.CampaignsReply>>(`${base}/campaigns`),
    createCampaign: (body: Static<typeof campaignSchemas.CampaignBody>) =>
      api.post<Static<typeof campaignSchemas.CampaignReply>>(`${base}/campaigns`, body),
    updateCampaign: (id: string, body: Static<typeof campaignSchemas.CampaignBody>) =>
      api.put<Static<typeof campaignSchemas.CampaignReply>>(
        `${base}/campaigns/${encodeURIComponent(id)}`,
        body,
      ),
    deleteCampaign: (id: string) => api.delete<void>(`${base}/campaigns/${encodeURIComponent(id)}`),
    previewCampaignStep: (body: Static<typeof campaignSchemas.CampaignPreviewBody>) =>
      api.post<Static<typeof campaignSchemas.CampaignPreviewReply>>(
        `${base}/campaigns/preview`,
        body,
      ),
    testSendCampaign: (id: string, body: Static<typeof campaignSchemas.CampaignTestSendBody>) =>
      api.post<Static<typeof campaignSchemas.CampaignTestSendReply>>(
        `${base}/campaigns/${encodeURIComponent(id)}/test-send`,
        body,
      ),
    setCampaignDailyLimit: (dailyLimit: number) =>
      api.patch<Static<typeof campaignSchemas.CampaignSettingsReply>>(`${base}/campaign-settings`, {
        daily_limit: dailyLimit,
      }),
    campaignEnrollments: (campaignId: string) =>
      api.get<Static<typeof campaignSchemas.EnrollmentsReply>>(
        `${base}/campaign-enrollments?campaign_id=${encodeURIComponent(campaignId)}`,
      ),
    offers: () => api.get<Static<typeof offers.OffersReply>>(`${base}/offers`),
    createOffer: (body: offers.OfferBody) =>
      api.post<Static<typeof offers.OfferReply>>(`${base}/offers`, body),
    replaceOffer: (id: string, body: offers.OfferBody) =>
      api.put<Static<typeof offers.OfferReply>>(`${base}/offers/${encodeURIComponent(id)}`, body),
    removeOffer: (id: string) => api.delete<void>(`${base}/offers/${encodeURIComponent(id)}`),
    offerSettings: () =>
      api.get<Static<typeof offers.OfferSettingsReply>>(`${base}/offer-settings`),
    setOfferSettings: (body: offers.OfferSettingsBody) =>
      api.patch<Static<typeof offers.OfferSettingsReply>>(`${base}/offer-settings`, body),
    offerPerformance: () =>
      api.get<offerPerformance.OfferPerformanceReply>(`${base}/offers/performance`),

    webhooks: () => api.get<Static<typeof webhooks.WebhooksReply>>(`${base}/webhooks`),
    addWebhook: (body: NewWebhookEndpoint) =>
      api.post<Static<typeof webhooks.WebhookReply>>(`${base}/webhooks`, body),
    updateWebhook: (id: string, changes: WebhookEndpointChanges) =>
      api.patch<Static<typeof webhooks.WebhookReply>>(
        `${base}/webhooks/${encodeURIComponent(id)}`,
        changes,
      ),
    removeWebhook: (id: string) =>
      api.delete<Static<typeof webhooks.WebhookReply>>(
        `${base}/webhooks/${encodeURIComponent(id)}`,
      ),
    rotateWebhookSecret: (id: string) =>
      api.post<Static<typeof webhooks.WebhookReply>>(
        `${base}/webhooks/${encodeURIComponent(id)}/rotate-secret`,
      ),
    pingWebhook: (id: string) =>
      api.post<Static<typeof webhooks.DeliveryReply>>(
        `${base}/webhooks/${encodeURIComponent(id)}/ping`,
      ),
    deliveries: (query: { endpointId?: string; before?: string | null }) =>
      api.get<Static<typeof webhooks.DeliveriesReply>>(`${base}/webhooks/deliveries`, {
        endpoint_id: query.endpointId,
        before: query.before,
      }),
    redeliver: (id: string) =>
      api.post<Static<typeof webhooks.DeliveryReply>>(
        `${base}/webhooks/deliveries/${encodeURIComponent(id)}/redeliver`,
      ),
  };
}

export type AccountApi = ReturnType<typeof accountApi>;

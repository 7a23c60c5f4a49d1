import { api, type Query, queryString } from "./client.js";
import type {
  Account,
  ApiKey,
  EmbedToken,
  EventKind,
  EventPage,
  Insights,
  Interval,
  Invite,
  Member,
  NewWebhookEndpoint,
  Reason,
  Role,
  Session,
  SetupInfo,
  SetupStatus,
  Trend,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointChanges,
  WebhookEventType,
  WidgetLogo,
  WidgetSettings,
  WidgetSettingsChanges,
} from "./types.js";

export const auth = {
  setupStatus: () => api.get<SetupStatus>("/api/setup/status"),
  firstUser: (body: { email: string; password: string; account_name?: string }) =>
    api.post<Session>("/api/setup/first-user", body),
  login: (body: { email: string; password: string }) => api.post<Session>("/api/auth/login", body),
  session: () => api.get<Session>("/api/session"),
  logout: () => api.post<{ sessions_ended: number }>("/api/auth/logout"),
  logoutEverywhere: () => api.post<{ sessions_ended: number }>("/api/auth/logout-everywhere"),
  acceptInvite: (token: string, body: { email?: string; password?: string }) =>
    api.post<Session & { account_id: string }>(
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
    rename: (name: string) => api.patch<{ account: Account }>(base, { name }),
    insights: (filter: InsightsFilter) =>
      api.get<Insights>(`${base}/insights`, insightsQuery(filter)),
    trend: (filter: InsightsFilter, interval: Interval) =>
      api.get<Trend>(`${base}/insights/trend`, { ...insightsQuery(filter), interval }),
    events: (filter: EventFilter, cursor?: string | null, limit = 50) =>
      api.get<EventPage>(`${base}/events`, { ...eventQuery(filter), cursor, limit }),
    exportUrl: (format: "csv" | "json", filter: EventFilter) =>
      `${base}/export${queryString({ format, ...eventQuery(filter) })}`,

    reasons: () => api.get<{ reasons: Reason[] }>(`${base}/reasons`),
    addReason: (text: string) => api.post<{ reason: Reason }>(`${base}/reasons`, { text }),
    updateReason: (id: string, change: { text?: string; archived?: boolean }) =>
      api.patch<{ reason: Reason }>(`${base}/reasons/${encodeURIComponent(id)}`, change),
    orderReasons: (ids: string[]) =>
      api.put<{ reasons: Reason[] }>(`${base}/reasons/order`, { ids }),

    setup: () => api.get<SetupInfo>(`${base}/setup`),
    widgetSettings: () => api.get<{ settings: WidgetSettings }>(`${base}/widget-settings`),
    updateWidgetSettings: (changes: WidgetSettingsChanges) =>
      api.patch<{ settings: WidgetSettings }>(`${base}/widget-settings`, changes),
    uploadLogo: (file: Blob) => api.put<{ logo: WidgetLogo }>(`${base}/widget-settings/logo`, file),
    removeLogo: () => api.delete<{ logo: null }>(`${base}/widget-settings/logo`),

    members: () => api.get<{ members: Member[] }>(`${base}/members`),
    setRole: (userId: string, role: Role) =>
      api.patch<{ member: Member }>(`${base}/members/${encodeURIComponent(userId)}`, { role }),
    removeMember: (userId: string) =>
      api.delete<undefined>(`${base}/members/${encodeURIComponent(userId)}`),
    invites: () => api.get<{ invites: Invite[] }>(`${base}/invites`),
    invite: (body: { email?: string; role: Role }) =>
      api.post<{ invite: Invite; url: string }>(`${base}/invites`, body),
    revokeInvite: (id: string) =>
      api.delete<{ invite: Invite }>(`${base}/invites/${encodeURIComponent(id)}`),

    embedTokens: () => api.get<{ embed_tokens: EmbedToken[] }>(`${base}/embed-tokens`),
    createEmbedToken: (name: string) =>
      api.post<{ embed_token: EmbedToken }>(`${base}/embed-tokens`, { name }),
    rotateEmbedToken: (id: string) =>
      api.post<{ embed_token: EmbedToken }>(
        `${base}/embed-tokens/${encodeURIComponent(id)}/rotate`,
      ),
    revokeEmbedToken: (id: string) =>
      api.delete<{ embed_token: EmbedToken }>(`${base}/embed-tokens/${encodeURIComponent(id)}`),

    apiKeys: () => api.get<{ api_keys: ApiKey[] }>(`${base}/api-keys`),
    createApiKey: (name: string) =>
      api.post<{ api_key: ApiKey & { secret: string } }>(`${base}/api-keys`, { name }),
    rotateApiKey: (id: string) =>
      api.post<{ api_key: ApiKey & { secret: string } }>(
        `${base}/api-keys/${encodeURIComponent(id)}/rotate`,
      ),
    revokeApiKey: (id: string) =>
      api.delete<{ api_key: ApiKey }>(`${base}/api-keys/${encodeURIComponent(id)}`),

    webhooks: () =>
      api.get<{ endpoints: WebhookEndpoint[]; event_types: WebhookEventType[] }>(
        `${base}/webhooks`,
      ),
    addWebhook: (body: NewWebhookEndpoint) =>
      api.post<{ endpoint: WebhookEndpoint }>(`${base}/webhooks`, body),
    updateWebhook: (id: string, changes: WebhookEndpointChanges) =>
      api.patch<{ endpoint: WebhookEndpoint }>(
        `${base}/webhooks/${encodeURIComponent(id)}`,
        changes,
      ),
    removeWebhook: (id: string) =>
      api.delete<{ endpoint: WebhookEndpoint }>(`${base}/webhooks/${encodeURIComponent(id)}`),
    rotateWebhookSecret: (id: string) =>
      api.post<{ endpoint: WebhookEndpoint }>(
        `${base}/webhooks/${encodeURIComponent(id)}/rotate-secret`,
      ),
    pingWebhook: (id: string) =>
      api.post<{ delivery: WebhookDelivery }>(`${base}/webhooks/${encodeURIComponent(id)}/ping`),
    deliveries: (query: { endpointId?: string; before?: string | null }) =>
      api.get<{ deliveries: WebhookDelivery[]; next_before: string | null }>(
        `${base}/webhooks/deliveries`,
        { endpoint_id: query.endpointId, before: query.before },
      ),
    redeliver: (id: string) =>
      api.post<{ delivery: WebhookDelivery }>(
        `${base}/webhooks/deliveries/${encodeURIComponent(id)}/redeliver`,
      ),
  };
}

export type AccountApi = ReturnType<typeof accountApi>;

import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { type Client, createUser, signIn } from "../helpers/auth.js";
import { logoPng, pngImage } from "../helpers/images.js";
import type { TestServer } from "../helpers/server.js";

/**
 * One account's things, as another account's user would try to reach them. Add a field
 * when a new route needs another kind of id, and fill it in `createFixture`.
 */
export interface Fixture {
  accountId: string;
  accountName: string;
  owner: Client;
  ownerEmail: string;
  /** A second person in the account (not the owner). */
  memberId: string;
  memberEmail: string;
  embedTokenId: string;
  apiKeyId: string;
  apiKeyPrefix: string;
  apiKeySecret: string;
  inviteId: string;
  reasonId: string;
  customerOid: string;
  comment: string;
  webhookId: string;
  webhookUrl: string;
  webhookSecret: string;
  deliveryId: string;
  billingConnectionId: string;
  /** A portal cancellation of the customer, put down to `reasonId`. */
  cancellationId: string;
  /** A win-back campaign for `reasonId`. */
  campaignId: string;
  /** A retention offer for `reasonId`. */
  offerId: string;
}

export interface AccountRoute {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** The route as registered, to prove the table covers every account-scoped route. */
  route: string;
  url(f: Fixture): string;
  body?: unknown;
}

/** A campaign step any account could write. */
const STEP = { delay_days: 1, subject: "Hi {{name}}", body: "Come back" };

const at = (f: Fixture, rest = "") => `/api/accounts/${f.accountId}${rest}`;

/**
 * EVERY route under /api/accounts/:accountId. test/auth/cross-account.test.ts calls each
 * one as a user of another account and fails when a registered route is missing here.
 */
export const ACCOUNT_ROUTES: AccountRoute[] = [
  { method: "GET", route: "/api/accounts/:accountId", url: (f) => at(f) },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId",
    url: (f) => at(f),
    body: { name: "Hijacked" },
  },

  { method: "GET", route: "/api/accounts/:accountId/members", url: (f) => at(f, "/members") },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/members/:userId",
    url: (f) => at(f, `/members/${f.memberId}`),
    body: { role: "owner" },
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/members/:userId",
    url: (f) => at(f, `/members/${f.memberId}`),
  },

  { method: "GET", route: "/api/accounts/:accountId/invites", url: (f) => at(f, "/invites") },
  {
    method: "POST",
    route: "/api/accounts/:accountId/invites",
    url: (f) => at(f, "/invites"),
    body: { role: "owner" },
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/invites/:id",
    url: (f) => at(f, `/invites/${f.inviteId}`),
  },

  {
    method: "GET",
    route: "/api/accounts/:accountId/embed-tokens",
    url: (f) => at(f, "/embed-tokens"),
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/embed-tokens",
    url: (f) => at(f, "/embed-tokens"),
    body: { name: "Hijacked" },
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/embed-tokens/:id/rotate",
    url: (f) => at(f, `/embed-tokens/${f.embedTokenId}/rotate`),
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/embed-tokens/:id",
    url: (f) => at(f, `/embed-tokens/${f.embedTokenId}`),
  },

  { method: "GET", route: "/api/accounts/:accountId/api-keys", url: (f) => at(f, "/api-keys") },
  {
    method: "POST",
    route: "/api/accounts/:accountId/api-keys",
    url: (f) => at(f, "/api-keys"),
    body: { name: "Hijacked" },
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/api-keys/:id/rotate",
    url: (f) => at(f, `/api-keys/${f.apiKeyId}/rotate`),
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/api-keys/:id",
    url: (f) => at(f, `/api-keys/${f.apiKeyId}`),
  },

  {
    method: "GET",
    route: "/api/accounts/:accountId/insights",
    url: (f) => at(f, "/insights?from=2020-01-01&to=2030-12-31&include_test=true"),
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/insights/trend",
    url: (f) =>
      at(f, "/insights/trend?from=2020-01-01&to=2030-12-31&interval=month&include_test=true"),
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/events",
    url: (f) => at(f, `/events?include_test=true&customer_oid=${f.customerOid}`),
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/export",
    url: (f) => at(f, "/export?format=json&include_test=true"),
  },
  { method: "GET", route: "/api/accounts/:accountId/reasons", url: (f) => at(f, "/reasons") },
  {
    method: "POST",
    route: "/api/accounts/:accountId/reasons",
    url: (f) => at(f, "/reasons"),
    body: { text: "Hijacked" },
  },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/reasons/:id",
    url: (f) => at(f, `/reasons/${f.reasonId}`),
    body: { text: "Hijacked" },
  },
  {
    method: "PUT",
    route: "/api/accounts/:accountId/reasons/order",
    url: (f) => at(f, "/reasons/order"),
    body: { ids: ["rsn_x"] },
  },
  { method: "GET", route: "/api/accounts/:accountId/setup", url: (f) => at(f, "/setup") },
  {
    method: "GET",
    route: "/api/accounts/:accountId/widget-settings",
    url: (f) => at(f, "/widget-settings"),
  },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/widget-settings",
    url: (f) => at(f, "/widget-settings"),
    body: { brand_color: "#000000", allowed_origins: ["https://evil.example.com"] },
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/widget-settings/logo",
    url: (f) => at(f, "/widget-settings/logo"),
  },
  {
    method: "PUT",
    route: "/api/accounts/:accountId/widget-settings/logo",
    url: (f) => at(f, "/widget-settings/logo"),
    body: pngImage(2, 2, () => [255, 0, 0, 255]),
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/widget-settings/logo",
    url: (f) => at(f, "/widget-settings/logo"),
  },

  { method: "GET", route: "/api/accounts/:accountId/webhooks", url: (f) => at(f, "/webhooks") },
  {
    method: "POST",
    route: "/api/accounts/:accountId/webhooks",
    url: (f) => at(f, "/webhooks"),
    body: { url: "https://evil.example.com/hook" },
  },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/webhooks/:id",
    url: (f) => at(f, `/webhooks/${f.webhookId}`),
    body: { url: "https://evil.example.com/hook" },
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/webhooks/:id",
    url: (f) => at(f, `/webhooks/${f.webhookId}`),
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/webhooks/:id/rotate-secret",
    url: (f) => at(f, `/webhooks/${f.webhookId}/rotate-secret`),
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/webhooks/:id/ping",
    url: (f) => at(f, `/webhooks/${f.webhookId}/ping`),
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/webhooks/deliveries",
    url: (f) => at(f, "/webhooks/deliveries"),
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/webhooks/deliveries/:id/redeliver",
    url: (f) => at(f, `/webhooks/deliveries/${f.deliveryId}/redeliver`),
  },

  {
    method: "GET",
    route: "/api/accounts/:accountId/insights/cancellations",
    url: (f) => at(f, "/insights/cancellations?from=2020-01-01&to=2022-12-31&include_test=true"),
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/customers/billing",
    url: (f) => at(f, `/customers/billing?customer_oid=${f.customerOid}`),
  },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/cancellations/:cancellation_id",
    url: (f) => at(f, `/cancellations/${f.cancellationId}`),
    // No reason: one of the attacker's own would pass the reason check and reach the lookup too.
    body: { reason_id: null },
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/setup/unmatched-answers",
    url: (f) => at(f, "/setup/unmatched-answers"),
  },
  { method: "GET", route: "/api/accounts/:accountId/billing", url: (f) => at(f, "/billing") },
  {
    method: "POST",
    route: "/api/accounts/:accountId/billing/stripe",
    url: (f) => at(f, "/billing/stripe"),
    body: { api_key: "rk_test_hijack" },
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/billing",
    url: (f) => at(f, "/billing"),
    body: { provider: "stripe", api_key: "rk_test_hijack" },
  },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/billing/:connection_id",
    url: (f) => at(f, `/billing/${f.billingConnectionId}`),
    body: { webhook_secret: "whsec_hijack" },
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/billing/:connection_id",
    url: (f) => at(f, `/billing/${f.billingConnectionId}`),
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/billing/:connection_id/sync",
    url: (f) => at(f, `/billing/${f.billingConnectionId}/sync`),
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/billing/:connection_id/sync",
    url: (f) => at(f, `/billing/${f.billingConnectionId}/sync`),
  },
  { method: "GET", route: "/api/accounts/:accountId/emails", url: (f) => at(f, "/emails") },
  {
    method: "GET",
    route: "/api/accounts/:accountId/email-settings",
    url: (f) => at(f, "/email-settings"),
  },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/email-settings",
    url: (f) => at(f, "/email-settings"),
    body: { reason_delay_minutes: 0 },
  },
  { method: "GET", route: "/api/accounts/:accountId/campaigns", url: (f) => at(f, "/campaigns") },
  {
    method: "POST",
    route: "/api/accounts/:accountId/campaigns",
    url: (f) => at(f, "/campaigns"),
    body: { name: "Hijacked", reason_ids: ["rsn_hijack"] },
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/campaigns/:id",
    url: (f) => at(f, `/campaigns/${f.campaignId}`),
  },
  {
    method: "PUT",
    route: "/api/accounts/:accountId/campaigns/:id",
    url: (f) => at(f, `/campaigns/${f.campaignId}`),
    body: { name: "Hijacked", reason_ids: ["rsn_hijack"] },
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/campaigns/:id",
    url: (f) => at(f, `/campaigns/${f.campaignId}`),
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/campaigns/:id/test-send",
    url: (f) => at(f, `/campaigns/${f.campaignId}/test-send`),
    body: { to: "attacker@example.com" },
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/campaigns/preview",
    url: (f) => at(f, "/campaigns/preview"),
    body: { step: STEP },
  },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/campaign-settings",
    url: (f) => at(f, "/campaign-settings"),
    body: { daily_limit: 1 },
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/campaign-enrollments",
    url: (f) => at(f, "/campaign-enrollments"),
  },
  { method: "GET", route: "/api/accounts/:accountId/offers", url: (f) => at(f, "/offers") },
  {
    method: "POST",
    route: "/api/accounts/:accountId/offers",
    url: (f) => at(f, "/offers"),
    body: { kind: "pause", title: "Hijacked", params: { months: 1 }, reason_ids: ["rsn_x"] },
  },
  {
    method: "PUT",
    route: "/api/accounts/:accountId/offers/:offerId",
    url: (f) => at(f, `/offers/${f.offerId}`),
    body: { kind: "pause", title: "Hijacked", params: { months: 1 }, reason_ids: ["rsn_x"] },
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/offers/:offerId",
    url: (f) => at(f, `/offers/${f.offerId}`),
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/offer-settings",
    url: (f) => at(f, "/offer-settings"),
  },
  {
    method: "PATCH",
    route: "/api/accounts/:accountId/offer-settings",
    url: (f) => at(f, "/offer-settings"),
    body: { holdout_percent: 50 },
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/offers/performance",
    url: (f) => at(f, "/offers/performance"),
  },
  {
    method: "GET",
    route: "/api/accounts/:accountId/reporting-currency",
    url: (f) => at(f, "/reporting-currency"),
  },
  {
    method: "PUT",
    route: "/api/accounts/:accountId/reporting-currency",
    url: (f) => at(f, "/reporting-currency"),
    body: { reporting_currency: "usd" },
  },
  {
    method: "POST",
    route: "/api/accounts/:accountId/exchange-rates",
    url: (f) => at(f, "/exchange-rates"),
    body: { rates: [{ currency: "eur", rate: 1.1 }] },
  },
  {
    method: "DELETE",
    route: "/api/accounts/:accountId/exchange-rates/:currency",
    url: (f) => at(f, "/exchange-rates/eur"),
  },
];

/**
 * An account with an owner, a member, an extra token, key, a pending invite, a logo, a billing
 * connection and a cancellation.
 */
export async function createFixture(server: TestServer, label: string): Promise<Fixture> {
  const ownerEmail = `${label}-owner@example.com`;
  const memberEmail = `${label}-member@example.com`;
  await createUser(server, ownerEmail);
  const owner = await signIn(server, ownerEmail);
  const accountName = `${label} Secret Products Ltd`;
  const created = await owner.request("POST", "/api/accounts", { name: accountName });
  expect(created.statusCode).toBe(201);
  const accountId: string = created.json().account.id;
  const member = await createUser(server, memberEmail, { accounts: [[accountId, "member"]] });
  const base = `/api/accounts/${accountId}`;
  const token = (
    await owner.request("POST", `${base}/embed-tokens`, { name: `${label} site` })
  ).json();
  const key = (await owner.request("POST", `${base}/api-keys`, { name: `${label} key` })).json();
  const invite = (
    await owner.request("POST", `${base}/invites`, {
      email: `${label}-invitee@example.com`,
      role: "member",
    })
  ).json();
  const reason = (
    await owner.request("POST", `${base}/reasons`, { text: `${label} secret reason` })
  ).json();
  const webhookUrl = `https://${label}-receiver.example.com/secret-hook`;
  const webhook = (
    await owner.request("POST", `${base}/webhooks`, { url: webhookUrl, include_test: true })
  ).json().endpoint;
  const customerOid = `cus_${label}_secret`;
  const comment = `${label} confidential comment`;
  const stored = await server.app.inject({
    method: "POST",
    url: "/api/widget/events",
    headers: { "content-type": "text/plain" },
    payload: JSON.stringify({
      access_token_id: token.embed_token.id,
      customer_oid: customerOid,
      reason_id: reason.reason.id,
      comment,
      test_mode: true,
      idempotency_key: `fixture-${label}`,
    }),
  });
  expect(stored.statusCode).toBe(201);
  const deliveries = (await owner.request("GET", `${base}/webhooks/deliveries`)).json().deliveries;
  expect(deliveries).toHaveLength(1);
  const logo = await server.app.inject({
    method: "PUT",
    url: `${base}/widget-settings/logo`,
    headers: { cookie: owner.cookie, "x-csrf-token": owner.csrf, "content-type": "image/png" },
    payload: logoPng(),
  });
  expect(logo.statusCode).toBe(200);
  // Straight in the database: connecting through the route would need a Stripe to ask.
  const billing = await server.app.repos.billingConnections.create(accountId, {
    provider: "stripe",
    mode: "test",
    apiKey: `rk_test_${label}_secret_key`,
  });
  const { cancellation } = await server.app.repos.cancellations.record({
    account_id: accountId,
    connection_id: billing.id,
    subscription_id: `sub_${label}_secret`,
    customer_id: customerOid,
    test_mode: true,
    path: "portal",
    timing: "period_end",
    state: "scheduled",
    requested_at: new Date(),
    provider_feedback: "other",
    reason_id: reason.reason.id,
  });
  const campaign = await owner.request("POST", `${base}/campaigns`, {
    name: `${label} secret campaign`,
    reason_ids: [reason.reason.id],
    steps: [STEP],
  });
  expect(campaign.statusCode).toBe(201);
  const offer = await owner.request("POST", `${base}/offers`, {
    kind: "contact_link",
    title: `${label} secret offer`,
    params: { url: `https://${label}.example.com/talk` },
    reason_ids: [reason.reason.id],
  });
  expect(offer.statusCode).toBe(201);
  return {
    accountId,
    accountName,
    owner,
    ownerEmail,
    memberId: member.id,
    memberEmail,
    embedTokenId: token.embed_token.id,
    apiKeyId: key.api_key.id,
    apiKeyPrefix: key.api_key.prefix,
    apiKeySecret: key.api_key.secret,
    inviteId: invite.invite.id,
    reasonId: reason.reason.id,
    customerOid,
    comment,
    webhookId: webhook.id,
    webhookUrl,
    webhookSecret: webhook.secret,
    deliveryId: deliveries[0].id,
    billingConnectionId: billing.id,
    cancellationId: cancellation.id,
    campaignId: campaign.json().campaign.id,
    offerId: offer.json().offer.id,
  };
}

/** Strings of the fixture that must never show up in another account's replies. */
export function secretsOf(f: Fixture): string[] {
  return [
    f.accountId,
    f.accountName,
    f.ownerEmail,
    f.owner.userId,
    f.memberId,
    f.memberEmail,
    f.embedTokenId,
    f.apiKeyId,
    f.apiKeyPrefix,
    f.apiKeySecret,
    f.inviteId,
    f.reasonId,
    f.customerOid,
    f.comment,
    f.webhookId,
    f.webhookUrl,
    f.webhookSecret,
    f.deliveryId,
    f.billingConnectionId,
    f.cancellationId,
    f.campaignId,
    `${f.accountName.split(" ")[0]} secret campaign`,
    f.offerId,
    `${f.accountName.split(" ")[0]} secret offer`,
    `${f.accountName.split(" ")[0]} secret reason`,
  ];
}

/**
 * `METHOD /path` of every registered route under /api/accounts/:accountId, read from
 * Fastify's route tree (HEAD is Fastify's automatic twin of GET).
 */
export function registeredAccountRoutes(app: FastifyInstance): string[] {
  const found = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? "").length / 4;
    stack.length = depth;
    stack.push(match[2] ?? "");
    const path = stack.join("").replace(/\/$/, "");
    if (!path.startsWith("/api/accounts/:accountId")) continue;
    for (const method of (match[3] ?? "").split(", ")) {
      if (method && method !== "HEAD" && method !== "OPTIONS") found.add(`${method} ${path}`);
    }
  }
  return [...found].sort();
}

import type { Database } from "../database.js";
import type { Keyring } from "../secrets/keyring.js";
import { inTransaction } from "../transaction.js";
import { createAccountsRepository } from "./accounts.js";
import { createApiKeysRepository } from "./api-keys.js";
import { createBillingConnectionsRepository } from "./billing-connections.js";
import { createBillingCustomersRepository } from "./billing-customers.js";
import { createBillingSubscriptionsRepository } from "./billing-subscriptions.js";
import { createBillingSyncRunsRepository } from "./billing-sync-runs.js";
import { createCampaignsRepository } from "./campaigns.js";
import { createCancellationAnswersRepository } from "./cancellation-answers.js";
import { createCancellationsRepository } from "./cancellations.js";
import { createEmailsRepository } from "./emails.js";
import { createEmbedTokensRepository } from "./embed-tokens.js";
import { createEventsRepository } from "./events.js";
import { createIdempotencyKeysRepository } from "./idempotency-keys.js";
import { createInvitesRepository } from "./invites.js";
import { createLoginThrottleRepository } from "./login-throttle.js";
import { createMembershipsRepository } from "./memberships.js";
import { createOfferAcceptancesRepository } from "./offer-acceptances.js";
import { createOffersRepository } from "./offers.js";
import { createProviderEventsRepository } from "./provider-events.js";
import { createReasonsRepository } from "./reasons.js";
import { createReportingCurrencyRepository } from "./reporting-currency.js";
import { createSessionsRepository } from "./sessions.js";
import { createUsersRepository } from "./users.js";
import { createWebhookDeliveriesRepository } from "./webhook-deliveries.js";
import { createWebhookEndpointsRepository } from "./webhook-endpoints.js";
import { createWidgetLogosRepository } from "./widget-logos.js";

/** What repositories need beside the database. */
export interface RepositoryDeps {
  /** Seals and opens the secrets some of them keep (src/db/secrets). */
  readonly secrets: Keyring;
}

const FACTORIES = {
  accounts: createAccountsRepository,
  apiKeys: createApiKeysRepository,
  billingConnections: createBillingConnectionsRepository,
  billingCustomers: createBillingCustomersRepository,
  billingSubscriptions: createBillingSubscriptionsRepository,
  billingSyncRuns: createBillingSyncRunsRepository,
  cancellationAnswers: createCancellationAnswersRepository,
  campaigns: createCampaignsRepository,
  cancellations: createCancellationsRepository,
  emails: createEmailsRepository,
  embedTokens: createEmbedTokensRepository,
  events: createEventsRepository,
  idempotencyKeys: createIdempotencyKeysRepository,
  invites: createInvitesRepository,
  loginThrottle: createLoginThrottleRepository,
  memberships: createMembershipsRepository,
  offerAcceptances: createOfferAcceptancesRepository,
  offers: createOffersRepository,
  providerEvents: createProviderEventsRepository,
  reasons: createReasonsRepository,
  reportingCurrency: createReportingCurrencyRepository,
  sessions: createSessionsRepository,
  users: createUsersRepository,
  webhookDeliveries: createWebhookDeliveriesRepository,
  webhookEndpoints: createWebhookEndpointsRepository,
  widgetLogos: createWidgetLogosRepository,
};

type Built = { readonly [K in keyof typeof FACTORIES]: ReturnType<(typeof FACTORIES)[K]> };

/** Every repository over one database handle (or one transaction). */
export interface Repositories extends Built {
  /** The handle (or transaction) they are over: jobs are enqueued in it (src/jobs). */
  readonly db: Database;
  /**
   * Runs `work` with every repository inside one transaction (the caller's, when these
   * repositories are over one already), so its writes commit or fail together.
   */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
}

export function createRepositories(db: Database, deps: RepositoryDeps): Repositories {
  const built = Object.fromEntries(
    Object.entries(FACTORIES).map(([name, create]) => [name, create(db, deps)]),
  ) as unknown as Built;
  return Object.freeze({
    ...built,
    db,
    transaction: <T>(work: (repos: Repositories) => Promise<T>) =>
      inTransaction(db, (trx) => work(createRepositories(trx, deps))),
  });
}

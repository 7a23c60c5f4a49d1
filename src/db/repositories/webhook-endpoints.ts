import { sql } from "kysely";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { newId } from "../ids.js";
import type { WebhookEndpoint, WebhookEventType, WebhookKind } from "../schema.js";
import { inTransaction } from "../transaction.js";

/** Every endpoint costs ingest a little (the trigger's join): a few per account is plenty. */
export const MAX_ENDPOINTS_PER_ACCOUNT = 10;

/** After a rotation the old secret keeps signing this long, so receivers can switch over. */
const PREVIOUS_SECRET_GRACE = "24 hours";

export interface NewWebhookEndpoint {
  url: string;
  kind: WebhookKind;
  description: string;
  event_types: WebhookEventType[];
  enabled: boolean;
  include_test: boolean;
}

export type WebhookEndpointChanges = Partial<Omit<NewWebhookEndpoint, "kind">>;

export function createWebhookEndpointsRepository(db: Database) {
  return {
    list(accountId: string): Promise<WebhookEndpoint[]> {
      return db
        .selectFrom("webhook_endpoints")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
    },

    find(accountId: string, id: string): Promise<WebhookEndpoint | undefined> {
      return db
        .selectFrom("webhook_endpoints")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst();
    },

    /** `secret` signs its deliveries; the caller makes it (the repository knows no signing). */
    create(
      accountId: string,
      endpoint: NewWebhookEndpoint,
      secret: string,
    ): Promise<WebhookEndpoint> {
      return inTransaction(db, async (trx) => {
        // The account's row lock serialises concurrent creates, so the limit holds.
        await trx
          .selectFrom("accounts")
          .select("id")
          .where("id", "=", accountId)
          .forUpdate()
          .execute();
        const { count } = await trx
          .selectFrom("webhook_endpoints")
          .select((eb) => eb.fn.countAll<number>().as("count"))
          .where("account_id", "=", accountId)
          .executeTakeFirstOrThrow();
        if (Number(count) >= MAX_ENDPOINTS_PER_ACCOUNT) {
          throw new DomainError(
            "too_many_webhooks",
            `An account may have at most ${MAX_ENDPOINTS_PER_ACCOUNT} webhook endpoints.`,
          );
        }
        return trx
          .insertInto("webhook_endpoints")
          .values({
            account_id: accountId,
            id: newId("whk"),
            ...endpoint,
            secret,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
    },

    update(
      accountId: string,
      id: string,
      changes: WebhookEndpointChanges,
    ): Promise<WebhookEndpoint | undefined> {
      return db
        .updateTable("webhook_endpoints")
        .set({ ...changes, updated_at: sql<Date>`now()` })
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
    },

    /** Its deliveries and their attempts go with it. */
    remove(accountId: string, id: string): Promise<WebhookEndpoint | undefined> {
      return db
        .deleteFrom("webhook_endpoints")
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
    },

    /** `secret` signs from now on; the old one signs too for a day. */
    rotateSecret(
      accountId: string,
      id: string,
      secret: string,
    ): Promise<WebhookEndpoint | undefined> {
      return db
        .updateTable("webhook_endpoints")
        .set((eb) => ({
          previous_secret: eb.ref("secret"),
          previous_secret_expires_at: sql<Date>`now() + ${PREVIOUS_SECRET_GRACE}::interval`,
          secret,
          updated_at: sql<Date>`now()`,
        }))
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
    },
  };
}

export type WebhookEndpointsRepository = ReturnType<typeof createWebhookEndpointsRepository>;

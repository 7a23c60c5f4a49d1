import { sql } from "kysely";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { newId } from "../ids.js";
import type { WebhookEndpoint, WebhookEventType, WebhookKind } from "../schema.js";
import { WEBHOOK_PREVIOUS_SECRET, WEBHOOK_SECRET } from "../secrets/columns.js";
import type { Keyring } from "../secrets/keyring.js";
import { openFrom, sealIn } from "../secrets/store.js";
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

/** The signing secrets, current and previous, of an endpoint row, opened. */
export function openSigningSecrets(
  secrets: Keyring,
  row: Pick<WebhookEndpoint, "account_id" | "id" | "secret" | "previous_secret">,
): Pick<WebhookEndpoint, "secret" | "previous_secret"> {
  return {
    secret: openFrom(secrets, WEBHOOK_SECRET, row, row.secret),
    previous_secret:
      row.previous_secret === null
        ? null
        : openFrom(secrets, WEBHOOK_PREVIOUS_SECRET, row, row.previous_secret),
  };
}

/** The signing secrets are sealed at rest: the repository seals and opens them. */
export function createWebhookEndpointsRepository(db: Database, { secrets }: { secrets: Keyring }) {
  const opened = (row: WebhookEndpoint): WebhookEndpoint => ({
    ...row,
    ...openSigningSecrets(secrets, row),
  });
  const openedOrNone = (row: WebhookEndpoint | undefined) => (row ? opened(row) : undefined);

  return {
    list(accountId: string): Promise<WebhookEndpoint[]> {
      return db
        .selectFrom("webhook_endpoints")
        .selectAll()
        .where("account_id", "=", accountId)
        .orderBy("created_at")
        .orderBy("id")
        .execute()
        .then((rows) => rows.map(opened));
    },

    find(accountId: string, id: string): Promise<WebhookEndpoint | undefined> {
      return db
        .selectFrom("webhook_endpoints")
        .selectAll()
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .executeTakeFirst()
        .then(openedOrNone);
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
        const row = { account_id: accountId, id: newId("whk") };
        return trx
          .insertInto("webhook_endpoints")
          .values({ ...row, ...endpoint, secret: sealIn(secrets, WEBHOOK_SECRET, row, secret) })
          .returningAll()
          .executeTakeFirstOrThrow()
          .then(opened);
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
        .executeTakeFirst()
        .then(openedOrNone);
    },

    /** Its deliveries and their attempts go with it. */
    remove(accountId: string, id: string): Promise<WebhookEndpoint | undefined> {
      return db
        .deleteFrom("webhook_endpoints")
        .where("account_id", "=", accountId)
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst()
        .then(openedOrNone);
    },

    /**
     * `secret` signs from now on; the old one signs too for a day. The old one moves in code,
     * not SQL: sealed for `secret`, it would not open as `previous_secret`.
     */
    rotateSecret(
      accountId: string,
      id: string,
      secret: string,
    ): Promise<WebhookEndpoint | undefined> {
      return inTransaction(db, async (trx) => {
        const current = await trx
          .selectFrom("webhook_endpoints")
          .select(["account_id", "id", "secret"])
          .where("account_id", "=", accountId)
          .where("id", "=", id)
          .forUpdate()
          .executeTakeFirst();
        if (!current) return undefined;
        const previous = openFrom(secrets, WEBHOOK_SECRET, current, current.secret);
        return trx
          .updateTable("webhook_endpoints")
          .set({
            previous_secret: sealIn(secrets, WEBHOOK_PREVIOUS_SECRET, current, previous),
            previous_secret_expires_at: sql<Date>`now() + ${PREVIOUS_SECRET_GRACE}::interval`,
            secret: sealIn(secrets, WEBHOOK_SECRET, current, secret),
            updated_at: sql<Date>`now()`,
          })
          .where("account_id", "=", accountId)
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirstOrThrow()
          .then(opened);
      });
    },
  };
}

export type WebhookEndpointsRepository = ReturnType<typeof createWebhookEndpointsRepository>;

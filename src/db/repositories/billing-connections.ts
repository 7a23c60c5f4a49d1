import { sql } from "kysely";
import type { Database } from "../database.js";
import { DomainError } from "../domain-error.js";
import { newId } from "../ids.js";
import type {
  BillingConnectionRow,
  BillingMode,
  BillingProviderName,
  StoredEventCursor,
} from "../schema.js";
import { BILLING_API_KEY, BILLING_WEBHOOK_SECRET } from "../secrets/columns.js";
import type { Keyring } from "../secrets/keyring.js";
import { openFrom, sealIn } from "../secrets/store.js";
import { inTransaction } from "../transaction.js";

/** A connection as it is shown and passed around: its secrets stay in the table. */
export type BillingConnection = Omit<BillingConnectionRow, "api_key" | "webhook_secret"> & {
  has_webhook_secret: boolean;
};

export interface NewBillingConnection {
  provider: BillingProviderName;
  mode: BillingMode;
  apiKey: string;
  providerAccountId?: string | null;
  webhookSecret?: string | null;
}

/** `rk_live_…wxyz`: the key's kind and its last four characters. */
function hintOf(apiKey: string): string {
  const kind = /^[a-z]+_(live|test)_/.exec(apiKey)?.[0] ?? "";
  return `${kind}…${apiKey.slice(-4)}`;
}

function shown(row: BillingConnectionRow): BillingConnection {
  const { api_key: _key, webhook_secret, ...rest } = row;
  return { ...rest, has_webhook_secret: webhook_secret !== null };
}

const shownOrNone = (row: BillingConnectionRow | undefined) => (row ? shown(row) : undefined);
const shownAll = (rows: BillingConnectionRow[]) => rows.map(shown);

/** The API key and webhook secret are sealed at rest; only `openApiKey` and `getForWebhook` open them. */
export function createBillingConnectionsRepository(
  db: Database,
  { secrets }: { secrets: Keyring },
) {
  const all = (q: Database = db) => q.selectFrom("billing_connections").selectAll();
  const find = (accountId: string, id: string, q: Database = db) =>
    all(q).where("account_id", "=", accountId).where("id", "=", id);
  /** An update of the connection that marks it updated; `activeOnly` leaves disconnected ones. */
  const change = (accountId: string, id: string, activeOnly = true) =>
    db
      .updateTable("billing_connections")
      .set({ updated_at: sql<Date>`now()` })
      .where("account_id", "=", accountId)
      .where("id", "=", id)
      .$if(activeOnly, (q) => q.where("status", "=", "active"));
  const changedOne = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1;

  return {
    /** Refused with `billing_already_connected` while the account has an active one of the mode. */
    async create(accountId: string, input: NewBillingConnection): Promise<BillingConnection> {
      const row = { account_id: accountId, id: newId("bcn") };
      const inserted = await sql<BillingConnectionRow>`
        insert into billing_connections
          (id, account_id, provider, mode, provider_account_id, api_key, api_key_hint, webhook_secret)
        values (${row.id}, ${accountId}, ${input.provider}, ${input.mode},
          ${input.providerAccountId ?? null}, ${sealIn(secrets, BILLING_API_KEY, row, input.apiKey)},
          ${hintOf(input.apiKey)},
          ${input.webhookSecret ? sealIn(secrets, BILLING_WEBHOOK_SECRET, row, input.webhookSecret) : null})
        on conflict (account_id, provider, mode) where status = 'active' do nothing
        returning *`.execute(db);
      const created = inserted.rows[0];
      if (!created) {
        throw new DomainError(
          "billing_already_connected",
          `This account has an active ${input.provider} connection in ${input.mode} mode already: disconnect it first.`,
        );
      }
      return shown(created);
    },

    get(accountId: string, id: string): Promise<BillingConnection | undefined> {
      return find(accountId, id).executeTakeFirst().then(shownOrNone);
    },

    /**
     * For the webhook route, which knows the connection by its id only: the active connection
     * with its webhook secret opened, or undefined (unknown, disconnected, or no secret set).
     */
    async getForWebhook(
      id: string,
    ): Promise<{ connection: BillingConnection; webhookSecret: string } | undefined> {
      const row = await all()
        .where("id", "=", id)
        .where("status", "=", "active")
        .executeTakeFirst();
      if (!row?.webhook_secret) return undefined;
      const webhookSecret = openFrom(secrets, BILLING_WEBHOOK_SECRET, row, row.webhook_secret);
      return { connection: shown(row), webhookSecret };
    },

    /** Newest first, the disconnected ones too (their history stays). */
    listForAccount(accountId: string): Promise<BillingConnection[]> {
      return all()
        .where("account_id", "=", accountId)
        .orderBy("created_at", "desc")
        .execute()
        .then(shownAll);
    },

    /** Every active connection of every account: the worker's periodic catch-up. */
    listActive(): Promise<BillingConnection[]> {
      return all().where("status", "=", "active").orderBy("id").execute().then(shownAll);
    },

    /** The API key, opened; undefined when the connection is unknown or disconnected. */
    async openApiKey(accountId: string, id: string): Promise<string | undefined> {
      const row = await find(accountId, id).executeTakeFirst();
      return row?.api_key ? openFrom(secrets, BILLING_API_KEY, row, row.api_key) : undefined;
    },

    /** Sets (or with null, clears) the webhook secret of an active connection; false if none. */
    setWebhookSecret(accountId: string, id: string, secret: string | null): Promise<boolean> {
      const sealed = secret
        ? sealIn(secrets, BILLING_WEBHOOK_SECRET, { account_id: accountId, id }, secret)
        : null;
      return change(accountId, id)
        .set({ webhook_secret: sealed })
        .executeTakeFirstOrThrow()
        .then(changedOne);
    },

    /** Where the next catch-up starts; false when the connection is no longer active. */
    saveEventCursor(accountId: string, id: string, cursor: StoredEventCursor): Promise<boolean> {
      return change(accountId, id)
        .set({ event_cursor: JSON.stringify(cursor), event_cursor_at: sql<Date>`now()` })
        .executeTakeFirstOrThrow()
        .then(changedOne);
    },

    /** Keeps the last failure (a provider error's code and our message) for the dashboard. */
    async recordError(
      accountId: string,
      id: string,
      error: { code: string; message: string },
    ): Promise<void> {
      await change(accountId, id, false)
        .set({
          last_error: sql<string>`jsonb_build_object('code', ${error.code}::text,
            'message', ${error.message}::text, 'at', now())`,
        })
        .execute();
    },

    async clearError(accountId: string, id: string): Promise<void> {
      await change(accountId, id, false)
        .set({ last_error: null })
        .where("last_error", "is not", null)
        .execute();
    },

    /**
     * Drops the key and webhook secret and cancels a running sync; the customers, subscriptions
     * and events stay, as history. A new connection of the mode may be made after. Done
     * twice, the second finds it disconnected already.
     */
    disconnect(accountId: string, id: string): Promise<BillingConnection | undefined> {
      return inTransaction(db, async (trx) => {
        const row = await trx
          .updateTable("billing_connections")
          .set({
            status: "disconnected",
            api_key: null,
            webhook_secret: null,
            disconnected_at: sql<Date>`now()`,
            updated_at: sql<Date>`now()`,
          })
          .where("account_id", "=", accountId)
          .where("id", "=", id)
          .where("status", "=", "active")
          .returningAll()
          .executeTakeFirst();
        if (!row) return find(accountId, id, trx).executeTakeFirst().then(shownOrNone);
        await trx
          .updateTable("billing_sync_runs")
          .set({ state: "canceled", finished_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
          .where("connection_id", "=", id)
          .where("state", "=", "running")
          .execute();
        return shown(row);
      });
    },
  };
}

export type BillingConnectionsRepository = ReturnType<typeof createBillingConnectionsRepository>;

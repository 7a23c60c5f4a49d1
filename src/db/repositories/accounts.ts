import { randomBytes } from "node:crypto";
import type { Database } from "../database.js";
import { DEFAULT_REASONS } from "../default-reasons.js";
import { newId } from "../ids.js";
import type { Account, WidgetTextOverrides } from "../schema.js";
import { CUSTOMER_HASH_SECRET } from "../secrets/columns.js";
import type { Keyring } from "../secrets/keyring.js";
import { openFrom, sealIn } from "../secrets/store.js";
import { inTransaction } from "../transaction.js";
import { createApiKeysRepository } from "./api-keys.js";
import { createMembershipsRepository } from "./memberships.js";

export { hashSecret } from "./api-keys.js";

export interface WidgetSettingsChanges {
  widget_locale?: string | null;
  brand_color?: string;
  widget_texts?: WidgetTextOverrides;
  allowed_origins?: string[];
  verify_customers?: boolean;
}

export interface CreatedAccount {
  account: Account;
  accessTokenId: string;
  /** Shown once: only its hash is stored. */
  secretKey: string;
}

/** The customer-hash secret is sealed at rest: the repository seals and opens it. */
export function createAccountsRepository(db: Database, { secrets }: { secrets: Keyring }) {
  const opened = (row: Account): Account => ({
    ...row,
    customer_hash_secret: openFrom(secrets, CUSTOMER_HASH_SECRET, row, row.customer_hash_secret),
  });
  const openedOrNone = (row: Account | undefined) => (row ? opened(row) : undefined);

  return {
    /**
     * An account ready to embed: default reasons, one embed token and one API key; with
     * `ownerId`, that user owns it; `demo` marks the demo account.
     */
    async create(
      name: string,
      options: { ownerId?: string; demo?: boolean } = {},
    ): Promise<CreatedAccount> {
      return inTransaction(db, async (trx) => {
        const id = newId("acc");
        const secret = randomBytes(32).toString("hex");
        const account = await trx
          .insertInto("accounts")
          .values({
            id,
            name,
            is_demo: options.demo ?? false,
            customer_hash_secret: sealIn(secrets, CUSTOMER_HASH_SECRET, { id }, secret),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
          .then(opened);
        await trx
          .insertInto("reasons")
          .values(
            DEFAULT_REASONS.map((text, index) => ({
              account_id: account.id,
              id: newId("rsn"),
              text,
              sort_key: (index + 1) * 10,
            })),
          )
          .execute();
        const accessTokenId = newId("tok");
        await trx
          .insertInto("embed_tokens")
          .values({ account_id: account.id, id: accessTokenId, name: "Default" })
          .execute();
        const apiKey = await createApiKeysRepository(trx).create(account.id, "Default");
        if (options.ownerId) {
          await createMembershipsRepository(trx).add(account.id, options.ownerId, "owner");
        }
        return { account, accessTokenId, secretKey: apiKey.secret };
      });
    },

    /** The oldest demo account, if there is one. */
    findDemo(): Promise<Account | undefined> {
      return db
        .selectFrom("accounts")
        .selectAll()
        .where("is_demo", "=", true)
        .orderBy("created_at")
        .orderBy("id")
        .limit(1)
        .executeTakeFirst()
        .then(openedOrNone);
    },

    find(accountId: string): Promise<Account | undefined> {
      return db
        .selectFrom("accounts")
        .selectAll()
        .where("id", "=", accountId)
        .executeTakeFirst()
        .then(openedOrNone);
    },

    updateWidgetSettings(
      accountId: string,
      changes: WidgetSettingsChanges,
    ): Promise<Account | undefined> {
      const { widget_texts, ...plain } = changes;
      return db
        .updateTable("accounts")
        .set({
          ...plain,
          // Both drivers take JSON as text; a bare object would go out as a Postgres record.
          ...(widget_texts === undefined
            ? {}
            : { widget_texts: JSON.stringify(widget_texts) as never }),
        })
        .where("id", "=", accountId)
        .returningAll()
        .executeTakeFirst()
        .then(openedOrNone);
    },

    list(): Promise<Account[]> {
      return db
        .selectFrom("accounts")
        .selectAll()
        .orderBy("created_at")
        .orderBy("id")
        .execute()
        .then((rows) => rows.map(opened));
    },

    async rename(accountId: string, name: string): Promise<Account | undefined> {
      return db
        .updateTable("accounts")
        .set({ name })
        .where("id", "=", accountId)
        .returningAll()
        .executeTakeFirst()
        .then(openedOrNone);
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;

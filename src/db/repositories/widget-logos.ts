import { sql } from "kysely";
import type { Database } from "../database.js";
import type { WidgetLogo } from "../schema.js";

/** A logo without its bytes: enough to name it in a URL and describe it. */
export interface WidgetLogoInfo {
  content_type: string;
  hash: string;
  size: number;
}

const INFO = ["content_type", "hash", sql<number>`octet_length(image)`.as("size")] as const;

export function createWidgetLogosRepository(db: Database) {
  return {
    /** Sets the account's logo, replacing the one before. */
    save(
      accountId: string,
      logo: { content_type: string; image: Uint8Array; hash: string },
    ): Promise<WidgetLogoInfo> {
      return db
        .insertInto("widget_logos")
        .values({ account_id: accountId, ...logo })
        .onConflict((oc) =>
          oc.column("account_id").doUpdateSet({ ...logo, updated_at: sql`now()` }),
        )
        .returning(INFO)
        .executeTakeFirstOrThrow();
    },

    info(accountId: string): Promise<WidgetLogoInfo | undefined> {
      return db
        .selectFrom("widget_logos")
        .select(INFO)
        .where("account_id", "=", accountId)
        .executeTakeFirst();
    },

    find(accountId: string): Promise<WidgetLogo | undefined> {
      return db
        .selectFrom("widget_logos")
        .selectAll()
        .where("account_id", "=", accountId)
        .executeTakeFirst();
    },

    async remove(accountId: string): Promise<void> {
      await db.deleteFrom("widget_logos").where("account_id", "=", accountId).execute();
    },
  };
}

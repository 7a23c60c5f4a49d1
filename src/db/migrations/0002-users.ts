import { type Kysely, sql } from "kysely";

// People and sign-in. Users, sessions and the login throttle are global (a person may
// belong to several accounts); memberships and invites belong to an account and lead with
// account_id like every tenant table.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Stored lower-cased (the check makes the unique constraint case-insensitive).
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("users_email_lower_case", sql`email = lower(email)`)
    .execute();

  await db.schema
    .createTable("memberships")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('owner', 'member')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("memberships_pkey", ["account_id", "user_id"])
    .execute();
  // "My accounts" is asked on every sign-in.
  await db.schema.createIndex("memberships_user_id").on("memberships").column("user_id").execute();

  await db.schema
    .createTable("sessions")
    // SHA-256 of the cookie's token: a leaked table cannot be replayed as cookies.
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_seen_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("invites")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('owner', 'member')`))
    .addColumn("created_by", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("accepted_at", "timestamptz")
    .addColumn("accepted_by", "text", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("revoked_at", "timestamptz")
    .addPrimaryKeyConstraint("invites_pkey", ["account_id", "id"])
    .execute();
  // The invitee knows only the link's token.
  await db.schema
    .createIndex("invites_token_hash_key")
    .on("invites")
    .column("token_hash")
    .unique()
    .execute();

  // Failed sign-ins per email and per client IP, counted in a fixed window. Kept in the
  // database so every server process behind a load balancer sees the same count.
  await db.schema
    .createTable("login_throttle")
    // SHA-256 of "email:..." or "ip:...": the table holds no addresses in clear.
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("window_started_at", "timestamptz", (c) => c.notNull())
    .addColumn("locked_until", "timestamptz")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["login_throttle", "invites", "sessions", "memberships", "users"]) {
    await db.schema.dropTable(table).execute();
  }
}

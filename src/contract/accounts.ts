import { type Static, Type } from "typebox";

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Timestamp = Type.String({ format: "date-time" });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const Role = Type.Union([Type.Literal("owner"), Type.Literal("member")]);
/** At least one visible character. */
export const AccountName = Type.String({ minLength: 1, maxLength: 200, pattern: "\\S" });
export const KeyName = Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" });

export const AccountParams = Type.Object({ accountId: Id });
export const MemberParams = Type.Object({ accountId: Id, userId: Id });
export const ResourceParams = Type.Object({ accountId: Id, id: Id });

export const ApiAccount = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  created_at: Timestamp,
});
export type ApiAccount = Static<typeof ApiAccount>;

export const AccountsReply = Type.Object({ accounts: Type.Array(ApiAccount) });
export const AccountReply = Type.Object({ account: ApiAccount });
export const AccountNameBody = Type.Object({ name: AccountName });
export const CreatedAccountReply = Type.Object({
  account: ApiAccount,
  access_token_id: Type.String(),
  /** Shown once. */
  secret_key: Type.String(),
});

export const ApiMember = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  role: Role,
  created_at: Timestamp,
});
export const MembersReply = Type.Object({ members: Type.Array(ApiMember) });
export const MemberReply = Type.Object({ member: ApiMember });
export const RoleBody = Type.Object({ role: Role });

export const ApiInvite = Type.Object({
  id: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  created_at: Timestamp,
  expires_at: Timestamp,
});
export const InviteBody = Type.Object({
  email: Type.Optional(Type.String({ format: "email", maxLength: 254 })),
  role: Role,
});
export const CreatedInviteReply = Type.Object({
  invite: ApiInvite,
  /** The one-time link; its token is shown only here. */
  url: Type.String(),
});
export const InvitesReply = Type.Object({ invites: Type.Array(ApiInvite) });
export const InviteReply = Type.Object({ invite: ApiInvite });

export const ApiEmbedToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Timestamp,
  revoked_at: NullableTimestamp,
});
export const EmbedTokensReply = Type.Object({ embed_tokens: Type.Array(ApiEmbedToken) });
export const EmbedTokenReply = Type.Object({ embed_token: ApiEmbedToken });

export const ApiKeyInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** The secret's first characters, to tell keys apart. */
  prefix: Type.String(),
  created_at: Timestamp,
  revoked_at: NullableTimestamp,
});
export const ApiKeysReply = Type.Object({ api_keys: Type.Array(ApiKeyInfo) });
export const ApiKeyReply = Type.Object({ api_key: ApiKeyInfo });
export const CreatedApiKeyReply = Type.Object({
  api_key: Type.Object({ ...ApiKeyInfo.properties, secret: Type.String() }),
});

export const NamedBody = Type.Object({ name: KeyName });

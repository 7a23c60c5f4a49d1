import type { Static } from "typebox";
import type {
  ApiAccount,
  ApiEmbedToken,
  ApiInvite,
  ApiKeyInfo,
  ApiMember,
} from "../contract/accounts.js";
import type { ApiKey } from "../db/repositories/api-keys.js";
import type { EmbedToken } from "../db/repositories/embed-tokens.js";
import type { AccountOfUser, Member } from "../db/repositories/memberships.js";
import type { Invite } from "../db/schema.js";

// Drivers hand back Date or string depending on the engine; replies always carry ISO text.
const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

export function toApiAccount(row: AccountOfUser): ApiAccount {
  return { id: row.id, name: row.name, role: row.role, created_at: iso(row.created_at) };
}

export function toApiMember(row: Member): Static<typeof ApiMember> {
  return {
    user_id: row.user_id,
    email: row.email,
    role: row.role,
    created_at: iso(row.created_at),
  };
}

export function toApiInvite(row: Invite): Static<typeof ApiInvite> {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    created_at: iso(row.created_at),
    expires_at: iso(row.expires_at),
  };
}

export function toApiEmbedToken(row: EmbedToken): Static<typeof ApiEmbedToken> {
  return {
    id: row.id,
    name: row.name,
    created_at: iso(row.created_at),
    revoked_at: isoOrNull(row.revoked_at),
  };
}

export function toApiKeyInfo(row: ApiKey): Static<typeof ApiKeyInfo> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.secret_prefix,
    created_at: iso(row.created_at),
    revoked_at: isoOrNull(row.revoked_at),
  };
}

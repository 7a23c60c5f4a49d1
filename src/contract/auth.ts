import { type Static, Type } from "typebox";
import { AccountName, ApiAccount } from "./accounts.js";

export const PASSWORD_MIN_LENGTH = 10;
// argon2 takes any length, but a megabyte "password" is a cheap way to burn our CPU.
export const PASSWORD_MAX_LENGTH = 200;

export const Email = Type.String({ format: "email", maxLength: 254 });

/** For new passwords; signing in only bounds the length (old rules may have differed). */
export const NewPassword = Type.String({
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
});
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });

export const ApiUser = Type.Object({
  id: Type.String(),
  email: Type.String(),
});

/** What the dashboard needs after sign-in and on every load. */
export const SessionReply = Type.Object({
  user: ApiUser,
  accounts: Type.Array(ApiAccount),
  /** Send it back in the x-csrf-token header of every POST, PUT, PATCH and DELETE. */
  csrf_token: Type.String(),
});
export type SessionReply = Static<typeof SessionReply>;

export const SetupStatusReply = Type.Object({ needs_first_user: Type.Boolean() });

export const FirstUserBody = Type.Object({
  email: Email,
  password: NewPassword,
  /** Required when no account exists yet; otherwise an extra account beside the adopted ones. */
  account_name: Type.Optional(AccountName),
});

export const LoginBody = Type.Object({ email: Email, password: Password });
export type LoginBody = Static<typeof LoginBody>;

export const LogoutReply = Type.Object({ sessions_ended: Type.Integer() });

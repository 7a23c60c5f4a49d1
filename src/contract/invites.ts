import { Type } from "typebox";
import { PASSWORD_MAX_LENGTH, SessionReply } from "./auth.js";

export const InviteTokenParams = Type.Object({
  token: Type.String({ minLength: 20, maxLength: 100, pattern: "^[A-Za-z0-9_-]+$" }),
});

/** Empty when signed in; otherwise the email and password to sign in or sign up with. */
export const AcceptInviteBody = Type.Object({
  email: Type.Optional(Type.String({ format: "email", maxLength: 254 })),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH })),
});

export const AcceptInviteReply = Type.Object({
  ...SessionReply.properties,
  /** The account just joined. */
  account_id: Type.String(),
});

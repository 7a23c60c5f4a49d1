import { type Static, Type } from "typebox";
import { COMMENT_MAX_LENGTH } from "./widget.js";

/** The hosted reason form's link: `/r/:token`, the token made by src/mail/reason-link.ts. */
export const ReasonFormParams = Type.Object({ token: Type.String({ maxLength: 300 }) });
export type ReasonFormParams = Static<typeof ReasonFormParams>;

/** What the form posts (form-encoded from the page, or JSON): the widget's answer rules. */
export const ReasonFormBody = Type.Object({
  reason_id: Type.String({ minLength: 1, maxLength: 100 }),
  comment: Type.Optional(Type.String({ maxLength: COMMENT_MAX_LENGTH })),
});
export type ReasonFormBody = Static<typeof ReasonFormBody>;

export const ReasonFormReply = Type.Object({
  event_id: Type.String(),
  cancellation_id: Type.String(),
});
export type ReasonFormReply = Static<typeof ReasonFormReply>;

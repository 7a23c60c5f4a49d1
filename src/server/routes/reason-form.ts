import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  ReasonFormBody,
  ReasonFormParams,
  type ReasonFormReply,
} from "../../contract/reason-form.js";
import { COMMENT_MAX_LENGTH } from "../../contract/widget.js";
import { widgetTexts } from "../../contract/widget-texts.js";
import type { EmailRow, Reason } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { checkReasonLink } from "../../mail/reason-link.js";
import { answerThroughLink } from "../email-answer.js";
import { toAppError } from "../error-handler.js";
import { messagePage, PAGE_HEADERS, reasonFormPage } from "../reason-form-page.js";

const BODY_LIMIT = 16 * 1024;

/** A browser's form post (or a click on the link) wants a page; any other client, JSON. */
const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? "").includes("text/html");

const TITLES: Partial<Record<AppError["code"], string>> = {
  link_invalid: "This link does not work",
  link_used: "You answered already",
  link_expired: "This link has expired",
  not_found: "This link does not work",
};

/**
 * The hosted one-page form a reason email links to: `GET /r/:token` shows it (and changes
 * nothing, so a mail scanner that opens links uses none), `POST /r/:token` records the answer
 * as the widget would, as an event of source `email` naming the cancellation's subscription
 * (so it links to it), and uses the link up. Altered: 400; expired or used: 410.
 */
export async function reasonFormRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { repos } = app;
  const { writer, sync } = app.services;

  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: BODY_LIMIT },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  /** Answers an error as a page for a browser, else throws it to the JSON error handler. */
  function refuse(request: FastifyRequest, reply: FastifyReply, error: AppError) {
    if (!wantsHtml(request)) throw error;
    const title = TITLES[error.code] ?? "Something went wrong";
    return reply
      .status(error.status)
      .headers(PAGE_HEADERS)
      .send(messagePage(title, error.message, "alert"));
  }

  /** The email a valid link is for: a signed, unexpired token naming a reason email we sent. */
  async function emailOf(token: string): Promise<EmailRow & { cancellation_id: string }> {
    const link = checkReasonLink(sync.secrets, token);
    if (!link.ok) throw new AppError(link.why === "tampered" ? "link_invalid" : "link_expired");
    const email = await repos.emails.find(link.emailId);
    if (!email || email.cancellation_id === null || email.link_expires_at === null) {
      throw new AppError("not_found", "This link names nothing we sent.");
    }
    if (email.link_used_at !== null) throw new AppError("link_used");
    if (new Date(email.link_expires_at) <= new Date()) throw new AppError("link_expired");
    return email as EmailRow & { cancellation_id: string };
  }

  async function formView(accountId: string) {
    const [account, reasons] = await Promise.all([
      repos.accounts.find(accountId),
      repos.reasons.list(accountId, { includeArchived: true }),
    ]);
    if (!account) throw new AppError("not_found", "This link names nothing we sent.");
    const { locale, texts } = widgetTexts(account.widget_locale ?? undefined, account.widget_texts);
    return {
      reasons,
      view: {
        lang: locale,
        accountName: account.name,
        brandColor: account.brand_color,
        texts,
        reasons: reasons
          .filter((r) => r.archived_at === null)
          .map((r) => ({ id: r.id, text: r.text })),
        commentMaxLength: COMMENT_MAX_LENGTH,
      },
    };
  }

  app.get(
    "/r/:token",
    { schema: { params: ReasonFormParams, hide: true } },
    async (request, reply) => {
      try {
        const email = await emailOf(request.params.token);
        const { view } = await formView(email.account_id);
        return reply.headers(PAGE_HEADERS).send(reasonFormPage(view));
      } catch (error) {
        return refuse(request, reply, toAppError(error as Error));
      }
    },
  );

  app.post(
    "/r/:token",
    {
      bodyLimit: BODY_LIMIT,
      attachValidation: true,
      schema: {
        params: ReasonFormParams,
        body: ReasonFormBody,
        hide: true,
      },
    },
    async (request, reply) => {
      let email: EmailRow & { cancellation_id: string };
      let form: Awaited<ReturnType<typeof formView>>;
      try {
        email = await emailOf(request.params.token);
        form = await formView(email.account_id);
      } catch (error) {
        return refuse(request, reply, toAppError(error as Error));
      }
      const body = (request.body ?? {}) as Partial<ReasonFormBody>;
      let reason: Reason | undefined;
      try {
        if (request.validationError) throw toAppError(request.validationError);
        reason = form.reasons.find((r) => r.id === body.reason_id);
        if (!reason) throw new AppError("unknown_reason", undefined, { field: "reason_id" });
      } catch (error) {
        const refused = error as AppError;
        if (!wantsHtml(request)) throw refused;
        const field = refused.field ?? "reason_id";
        const message = field === "reason_id" ? form.view.texts.reason_required : refused.message;
        return reply
          .status(refused.status)
          .headers(PAGE_HEADERS)
          .send(
            reasonFormPage({
              ...form.view,
              chosen: body.reason_id,
              comment: typeof body.comment === "string" ? body.comment : undefined,
              error: { field, message },
            }),
          );
      }

      let answered: ReasonFormReply;
      try {
        const { eventId, cancellationId } = await answerThroughLink(repos, writer, email, {
          reason,
          comment: body.comment,
          locale: form.view.lang,
        });
        answered = { event_id: eventId, cancellation_id: cancellationId };
      } catch (error) {
        return refuse(request, reply, toAppError(error as Error));
      }
      if (!wantsHtml(request)) return reply.status(201).send(answered);
      return reply
        .status(200)
        .headers(PAGE_HEADERS)
        .send(
          messagePage("Thank you", "Your answer is recorded. It helps us do better.", "status"),
        );
    },
  );
}

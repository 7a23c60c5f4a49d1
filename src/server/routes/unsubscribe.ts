import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { UnsubscribeParams } from "../../contract/campaigns.js";
import { AppError } from "../../errors.js";
import { checkUnsubscribeToken } from "../../mail/unsubscribe-link.js";
import { toAppError } from "../error-handler.js";
import { confirmPage, messagePage, PAGE_HEADERS } from "../reason-form-page.js";

const BODY_LIMIT = 4 * 1024;

/** A browser wants a page; a mail client's one-click POST, and any other client, JSON. */
const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? "").includes("text/html");

/**
 * The unsubscribe link of every campaign email (`List-Unsubscribe`, RFC 8058). `POST /u/:token`
 * unsubscribes at once: no session, no CSRF token, since the signed token is the proof and a
 * mail client posts it without a page. `GET /u/:token` only shows a button that posts: mail
 * scanners open links, and must not unsubscribe anyone. Altered token: 400.
 */
export async function unsubscribeRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const { repos } = app;
  const { sync } = app.services;

  // RFC 8058 posts `List-Unsubscribe=One-Click` as a form (urlencoded or multipart); the
  // token alone decides, so the body is read only to be accepted.
  app.addContentTypeParser(
    ["application/x-www-form-urlencoded", "multipart/form-data"],
    { parseAs: "string", bodyLimit: BODY_LIMIT },
    (_request, _body, done) => done(null, {}),
  );

  /** The campaign email a token names, or the refusal. */
  async function emailOf(token: string) {
    const emailId = checkUnsubscribeToken(sync.secrets, token);
    if (emailId === null) throw new AppError("unsubscribe_link_invalid");
    const email = await repos.emails.find(emailId);
    if (email?.kind !== "campaign" || email.to_address === null) {
      throw new AppError("not_found", "This link names nothing we sent.");
    }
    return { ...email, to_address: email.to_address };
  }

  function refuse(request: FastifyRequest, reply: FastifyReply, error: AppError) {
    if (!wantsHtml(request)) throw error;
    return reply
      .status(error.status)
      .headers(PAGE_HEADERS)
      .send(messagePage("This link does not work", error.message, "alert"));
  }

  app.get(
    "/u/:token",
    { schema: { params: UnsubscribeParams, hide: true } },
    async (request, reply) => {
      try {
        await emailOf(request.params.token);
      } catch (error) {
        return refuse(request, reply, toAppError(error as Error));
      }
      return reply
        .headers(PAGE_HEADERS)
        .send(
          confirmPage(
            "Unsubscribe",
            "Stop these emails? You will get no more of them.",
            "Unsubscribe",
          ),
        );
    },
  );

  app.post(
    "/u/:token",
    { bodyLimit: BODY_LIMIT, schema: { params: UnsubscribeParams, hide: true } },
    async (request, reply) => {
      let email: Awaited<ReturnType<typeof emailOf>>;
      try {
        email = await emailOf(request.params.token);
      } catch (error) {
        return refuse(request, reply, toAppError(error as Error));
      }
      await repos.campaigns.unsubscribe(email.account_id, email.to_address);
      if (!wantsHtml(request)) return { unsubscribed: true };
      return reply
        .headers(PAGE_HEADERS)
        .send(messagePage("Unsubscribed", "You will get no more of these emails.", "status"));
    },
  );
}

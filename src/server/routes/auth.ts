import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import {
  FirstUserBody,
  LoginBody,
  LogoutReply,
  SessionReply,
  SetupStatusReply,
} from "../../contract/auth.js";
import { AppError } from "../../errors.js";
import { checkCredentials } from "../auth/credentials.js";
import { createFirstUser } from "../auth/first-user.js";
import { requireSession, signedInOf } from "../auth/request-auth.js";
import { sessionReply } from "../auth/session-reply.js";

/** First-run setup, sign-in and sign-out. */
export async function authRoutes(parent: FastifyInstance) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const users = app.repos.users;

  app.get("/api/setup/status", { schema: { response: { 200: SetupStatusReply } } }, async () => ({
    needs_first_user: !(await users.exists()),
  }));

  app.post(
    "/api/setup/first-user",
    { schema: { body: FirstUserBody, response: { 201: SessionReply } } },
    async (request, reply) => {
      const { email, password, account_name } = request.body;
      const user = await createFirstUser(app.repos, { email, password, accountName: account_name });
      const signedIn = await app.services.sessions.start(request, reply, user);
      return reply.status(201).send(await sessionReply(app.repos.memberships, signedIn));
    },
  );

  app.post(
    "/api/auth/login",
    { schema: { body: LoginBody, response: { 200: SessionReply } } },
    async (request, reply) => {
      const user = await checkCredentials(
        app.repos.users,
        app.services.throttle,
        request,
        request.body,
      );
      // Always a new session: a cookie the browser brought along is never promoted.
      const signedIn = await app.services.sessions.start(request, reply, user);
      return sessionReply(app.repos.memberships, signedIn);
    },
  );

  app.get(
    "/api/session",
    { schema: { response: { 200: SessionReply } } },
    async (request, reply) => {
      const signedIn = await app.services.sessions.resolve(request, reply);
      if (!signedIn) {
        // A dead cookie (expired, signed out elsewhere) is dropped from the browser.
        if (app.services.sessions.hasCookie(request)) app.services.sessions.clearCookie(reply);
        throw new AppError("not_signed_in");
      }
      return sessionReply(app.repos.memberships, signedIn);
    },
  );

  app.post(
    "/api/auth/logout",
    { onRequest: requireSession, schema: { response: { 200: LogoutReply } } },
    async (request, reply) => {
      await app.services.sessions.end(reply, signedInOf(request));
      return { sessions_ended: 1 };
    },
  );

  app.post(
    "/api/auth/logout-everywhere",
    { onRequest: requireSession, schema: { response: { 200: LogoutReply } } },
    async (request, reply) => {
      const ended = await app.services.sessions.endEverywhere(reply, signedInOf(request).userId);
      return { sessions_ended: ended };
    },
  );
}

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { createUsersRepository } from "../../db/repositories/users.js";
import { AppError } from "../../errors.js";
import { checkCredentials } from "../auth/credentials.js";
import { createFirstUser } from "../auth/first-user.js";
import { requireSession, signedInOf } from "../auth/request-auth.js";
import type { AuthServices } from "../auth/services.js";
import { sessionReply } from "../auth/session-reply.js";
import {
  FirstUserBody,
  LoginBody,
  LogoutReply,
  SessionReply,
  SetupStatusReply,
} from "../schemas/auth.js";

/** First-run setup, sign-in and sign-out. */
export async function authRoutes(parent: FastifyInstance, options: { auth: AuthServices }) {
  const { auth } = options;
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const users = createUsersRepository(auth.db);

  app.get("/api/setup/status", { schema: { response: { 200: SetupStatusReply } } }, async () => ({
    needs_first_user: !(await users.exists()),
  }));

  app.post(
    "/api/setup/first-user",
    { schema: { body: FirstUserBody, response: { 201: SessionReply } } },
    async (request, reply) => {
      const { email, password, account_name } = request.body;
      const user = await createFirstUser(auth.db, { email, password, accountName: account_name });
      const signedIn = await auth.sessions.start(request, reply, user);
      return reply.status(201).send(await sessionReply(auth.db, signedIn));
    },
  );

  app.post(
    "/api/auth/login",
    { schema: { body: LoginBody, response: { 200: SessionReply } } },
    async (request, reply) => {
      const user = await checkCredentials(auth.db, auth.throttle, request, reply, request.body);
      // Always a new session: a cookie the browser brought along is never promoted.
      const signedIn = await auth.sessions.start(request, reply, user);
      return sessionReply(auth.db, signedIn);
    },
  );

  app.get(
    "/api/session",
    { schema: { response: { 200: SessionReply } } },
    async (request, reply) => {
      const signedIn = await auth.sessions.resolve(request, reply);
      if (!signedIn) {
        // A dead cookie (expired, signed out elsewhere) is dropped from the browser.
        if (auth.sessions.hasCookie(request)) auth.sessions.clearCookie(reply);
        throw new AppError("not_signed_in");
      }
      return sessionReply(auth.db, signedIn);
    },
  );

  app.post(
    "/api/auth/logout",
    { onRequest: requireSession(auth), schema: { response: { 200: LogoutReply } } },
    async (request, reply) => {
      await auth.sessions.end(reply, signedInOf(request));
      return { sessions_ended: 1 };
    },
  );

  app.post(
    "/api/auth/logout-everywhere",
    { onRequest: requireSession(auth), schema: { response: { 200: LogoutReply } } },
    async (request, reply) => {
      const ended = await auth.sessions.endEverywhere(reply, signedInOf(request).userId);
      return { sessions_ended: ended };
    },
  );
}

// The type import also brings the plugin's request.cookies and reply.setCookie typings.
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SessionsRepository } from "../../db/repositories/sessions.js";
import { csrfTokenOf, newSessionToken, sessionIdOf } from "./session-token.js";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Sliding expiry costs a write; once an hour per session is plenty. */
export const SESSION_REFRESH_MS = 60 * 60 * 1000;

export interface SignedIn {
  /** Hash of the cookie's token, the row's key. */
  sessionId: string;
  userId: string;
  email: string;
  csrfToken: string;
}

export interface SessionOptions {
  /** PUBLIC_URL is https: the cookie is Secure and gets the __Host- prefix. */
  secure: boolean;
}

/**
 * Sessions in a cookie holding a random token; the database holds its hash. A token the
 * server did not issue at sign-in never becomes a session (no fixation).
 */
export function createSessions(sessions: SessionsRepository, options: SessionOptions) {
  // __Host- cookies are only accepted with Secure, Path=/ and no Domain, so a sibling
  // subdomain cannot plant one.
  const cookieName = options.secure ? "__Host-ci_session" : "ci_session";
  const cookieOptions: CookieSerializeOptions = {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: options.secure,
    maxAge: SESSION_TTL_MS / 1000,
  };

  function setCookie(reply: FastifyReply, token: string): void {
    reply.setCookie(cookieName, token, cookieOptions);
  }

  function clearCookie(reply: FastifyReply): void {
    reply.clearCookie(cookieName, { path: "/", secure: options.secure, sameSite: "lax" });
  }

  function presentedToken(request: FastifyRequest): string | undefined {
    const token = request.cookies[cookieName];
    // Ours are 43 base64url characters; anything else is not worth a query.
    return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : undefined;
  }

  return {
    cookieName,

    /** A brand-new session for the user, replacing whatever this browser presented. */
    async start(
      request: FastifyRequest,
      reply: FastifyReply,
      user: { id: string; email: string },
    ): Promise<SignedIn> {
      const previous = presentedToken(request);
      if (previous) await sessions.delete(sessionIdOf(previous));
      await sessions.deleteExpired(user.id);
      const token = newSessionToken();
      const sessionId = sessionIdOf(token);
      const userAgent = request.headers["user-agent"]?.slice(0, 300) ?? null;
      await sessions.insert({ id: sessionId, userId: user.id, ttlMs: SESSION_TTL_MS, userAgent });
      setCookie(reply, token);
      return { sessionId, userId: user.id, email: user.email, csrfToken: csrfTokenOf(token) };
    },

    /** The session the request's cookie holds, with its expiry slid forward; or null. */
    async resolve(request: FastifyRequest, reply: FastifyReply): Promise<SignedIn | null> {
      const token = presentedToken(request);
      if (!token) return null;
      const session = await sessions.findActive(sessionIdOf(token), SESSION_REFRESH_MS);
      if (!session) return null;
      if (session.stale) {
        await sessions.touch(session.id, SESSION_TTL_MS);
        setCookie(reply, token);
      }
      return {
        sessionId: session.id,
        userId: session.user_id,
        email: session.email,
        csrfToken: csrfTokenOf(token),
      };
    },

    /** Ends this browser's session. */
    async end(reply: FastifyReply, signedIn: SignedIn): Promise<void> {
      await sessions.delete(signedIn.sessionId);
      clearCookie(reply);
    },

    /** Ends every session of the user, on every device, this one included. */
    async endEverywhere(reply: FastifyReply, userId: string): Promise<number> {
      const ended = await sessions.deleteForUser(userId);
      clearCookie(reply);
      return ended;
    },

    clearCookie,

    /** Whether the request carries a cookie by our name at all (to clear a dead one). */
    hasCookie(request: FastifyRequest): boolean {
      return request.cookies[cookieName] !== undefined;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

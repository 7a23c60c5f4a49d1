import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Membership } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { checkCsrfToken, checkRequestOrigin, isDashboardApi, isStateChanging } from "./csrf.js";
import type { SignedIn } from "./sessions.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `requireSession` (or a route that resolves the session itself). */
    signedIn: SignedIn | null;
    /** Set by `requireMembership` on account-scoped routes. */
    membership: Membership | null;
  }
}

/**
 * Request decorations and the origin check every state-changing dashboard request gets,
 * whatever route it reaches. Called on the root instance, before any route.
 */
export function registerAuth(app: FastifyInstance): void {
  const { publicOrigin } = app.services;
  app.decorateRequest("signedIn", null);
  app.decorateRequest("membership", null);
  app.addHook("onRequest", async (request, reply) => {
    if (!isDashboardApi(request.routeOptions.url)) return;
    // Replies carry CSRF tokens, secrets shown once and people's data: never cache them.
    reply.header("cache-control", "no-store");
    if (isStateChanging(request.method)) checkRequestOrigin(request, publicOrigin);
  });
}

/**
 * An onRequest hook: 401 without a live session; 403 `csrf_failed` for a state-changing
 * request without the session's CSRF token. It runs before the body is parsed, so a
 * stranger learns nothing from validation errors either.
 */
export async function requireSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const signedIn = await request.server.services.sessions.resolve(request, reply);
  if (!signedIn) throw new AppError("not_signed_in");
  if (isStateChanging(request.method)) checkCsrfToken(request, signedIn);
  request.signedIn = signedIn;
}

/** The signed-in user of a route behind `requireSession`. */
export function signedInOf(request: FastifyRequest): SignedIn {
  if (!request.signedIn) throw new AppError("not_signed_in");
  return request.signedIn;
}

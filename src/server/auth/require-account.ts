import type { FastifyRequest } from "fastify";
import type { Membership } from "../../db/schema.js";
import { AppError } from "../../errors.js";
import { signedInOf } from "./request-auth.js";

/**
 * An onRequest hook for routes under `/api/accounts/:accountId`, after `requireSession`:
 * the signed-in user's membership of that account, or 404. Never 403: whether an account
 * exists is none of a stranger's business.
 */
export async function requireMembership(request: FastifyRequest): Promise<void> {
  const { accountId } = request.params as { accountId?: string };
  const signedIn = signedInOf(request);
  const membership =
    typeof accountId === "string" && accountId.length <= 100
      ? await request.server.repos.memberships.find(accountId, signedIn.userId)
      : undefined;
  if (!membership) throw new AppError("not_found", "No such account.");
  request.membership = membership;
}

/** The membership a route behind `requireMembership` runs under: its account_id scopes every query. */
export function membershipOf(request: FastifyRequest): Membership {
  if (!request.membership) throw new AppError("not_found", "No such account.");
  return request.membership;
}

/** An onRequest hook for owner-only routes (members can see, owners change). */
export async function requireOwner(request: FastifyRequest): Promise<void> {
  if (membershipOf(request).role !== "owner") throw new AppError("forbidden");
}

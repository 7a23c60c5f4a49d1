import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { AppError } from "../../errors.js";
import type { SignedIn } from "./sessions.js";

export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** The public widget API is called from every site on the web, without cookies. */
export function isDashboardApi(routeUrl: string | undefined): boolean {
  if (routeUrl === undefined) return false;
  return routeUrl.startsWith("/api/") && !routeUrl.startsWith("/api/widget/");
}

/**
 * Refuses state-changing requests a browser reports as sent by another site. This also
 * covers sign-in and setup, which have no session to bind a token to (login CSRF).
 * Clients that send neither header (curl, tests) are judged by the token alone.
 */
export function checkRequestOrigin(request: FastifyRequest, publicOrigin: string): void {
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    throw new AppError("csrf_failed", `Cross-site request refused (Sec-Fetch-Site: ${site}).`);
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  // Behind a dev proxy the page's origin is the proxy's, which is also the Host it forwards.
  const ownOrigin = `${request.protocol}://${request.host}`;
  if (origin !== publicOrigin && origin !== ownOrigin) {
    throw new AppError("csrf_failed", "Cross-origin request refused.");
  }
}

/** The session's token must come back in the header: another site cannot know it. */
export function checkCsrfToken(request: FastifyRequest, signedIn: SignedIn): void {
  const given = request.headers[CSRF_HEADER];
  const expected = Buffer.from(signedIn.csrfToken);
  const actual = Buffer.from(typeof given === "string" ? given : "");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new AppError("csrf_failed");
  }
}

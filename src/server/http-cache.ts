import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";

/** A short, URL-safe name for some bytes: an ETag, or the version in a long-cached URL. */
export function contentHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url").slice(0, 22);
}

/** The client holds this very version already (If-None-Match, weak tags compared as strong). */
export function isFresh(request: FastifyRequest, etag: string): boolean {
  const match = request.headers["if-none-match"];
  return !!match?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

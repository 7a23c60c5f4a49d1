import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { IDEMPOTENCY_HEADER } from "../contract/v1.js";
import type { Repositories } from "../db/repositories/index.js";
import { AppError } from "../errors.js";

/** What a POST handler answers: kept under the Idempotency-Key for a retry. */
export interface ApiReply {
  status: number;
  body: unknown;
}

/** JSON with object keys sorted, so the same body always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function requestHash(request: FastifyRequest): string {
  return createHash("sha256")
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body)}`)
    .digest("hex");
}

/**
 * Runs a POST's work in one transaction, with Stripe's semantics for `Idempotency-Key`:
 * the first successful reply is stored with the work and replayed for the same key and
 * request (nothing new is stored); the same key with another request is refused. A
 * request that fails stores nothing, so it may be retried with the same key.
 */
export async function sendIdempotent(
  repos: Repositories,
  accountId: string,
  request: FastifyRequest,
  reply: FastifyReply,
  work: (trx: Repositories) => Promise<ApiReply>,
): Promise<FastifyReply> {
  const key = request.headers[IDEMPOTENCY_HEADER];
  const result = await repos.transaction(async (trx) => {
    if (typeof key !== "string") return work(trx);
    const keys = trx.idempotencyKeys;
    const hash = requestHash(request);
    const stored = await keys.claim(accountId, key, hash);
    if (stored) {
      if (stored.requestHash !== hash) {
        throw new AppError("idempotency_key_reused", undefined, { field: IDEMPOTENCY_HEADER });
      }
      reply.header("idempotent-replayed", "true");
      return stored;
    }
    const done = await work(trx);
    await keys.remember(accountId, key, done.status, done.body);
    return done;
  });
  return reply.status(result.status).send(result.body);
}

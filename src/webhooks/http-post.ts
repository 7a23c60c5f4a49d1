import http from "node:http";
import https from "node:https";
import { guardedLookup, literalTargetProblem } from "./target.js";

export interface PostResult {
  /** The receiver's status code; null when there was no answer. */
  statusCode: number | null;
  /** Why there was no answer (refused, timed out, unsafe target). */
  error: string | null;
  /** The start of the receiver's answer. */
  body: string | null;
  durationMs: number;
}

export interface PostOptions {
  timeoutMs: number;
  allowPrivateTargets: boolean;
}

const BODY_EXCERPT = 1000;

/**
 * POSTs `body` and reports what happened; never throws. Not `fetch`: Node's fetch cannot
 * check the address it connects to without an extra HTTP client, and checking a name
 * before fetch resolves it again leaves a window for DNS rebinding. Redirects are not
 * followed (a redirect to an internal address would walk around the check): 3xx is a failure.
 */
export function postJson(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostResult> {
  const started = performance.now();
  const done = (result: Omit<PostResult, "durationMs">): PostResult => ({
    ...result,
    durationMs: Math.round(performance.now() - started),
  });
  const url = new URL(target);
  const problem = literalTargetProblem(url, options.allowPrivateTargets);
  if (problem) return Promise.resolve(done({ statusCode: null, error: problem, body: null }));

  return new Promise((resolve) => {
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body).toString() },
        lookup: guardedLookup(options.allowPrivateTargets),
        signal: AbortSignal.timeout(options.timeoutMs),
        agent: false,
      },
      (response) => {
        let excerpt = "";
        const answered = (error: string | null) =>
          resolve(
            done({
              statusCode: response.statusCode ?? null,
              error,
              body: excerpt.slice(0, BODY_EXCERPT) || null,
            }),
          );
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (excerpt.length < BODY_EXCERPT) excerpt += chunk;
        });
        // Cut off mid-answer (the timeout): the status line is what counts.
        response.on("error", () => answered("the answer was cut off"));
        response.on("end", () => answered(null));
      },
    );
    request.on("error", (error: NodeJS.ErrnoException) => {
      const message =
        error.name === "AbortError" || error.name === "TimeoutError"
          ? `no answer within ${options.timeoutMs} ms`
          : error.message || error.code || "request failed";
      resolve(done({ statusCode: null, error: message, body: null }));
    });
    request.end(body);
  });
}

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../db/domain-error.js";
import { isDatabaseUnavailable } from "../db/unavailable.js";
import { AppError } from "../errors.js";

type ValidationError = NonNullable<FastifyError["validation"]>[number];

/** `body/comment` or the missing property: the name a client recognises. */
function fieldOf(issue: ValidationError): string | undefined {
  const params = issue.params as Record<string, unknown>;
  const missing = params.missingProperty;
  const path = issue.instancePath
    .split("/")
    .filter(Boolean)
    .join(".")
    .replace(/\.(\d+)(?=\.|$)/g, "[$1]");
  if (typeof missing === "string") return path ? `${path}.${missing}` : missing;
  return path || undefined;
}

/** Seconds a client is asked to wait when the database is out of reach. */
const DATABASE_RETRY_AFTER_S = 5;

const FASTIFY_CODES: Record<string, AppError["code"]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "validation_error",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid_json",
};

/** Turns anything thrown into the one error shape of the service. */
export function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof DomainError) return AppError.from(error);
  if (isDatabaseUnavailable(error)) {
    return new AppError("database_unavailable", undefined, {
      cause: error,
      retryAfterSeconds: DATABASE_RETRY_AFTER_S,
    });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation && fastifyError.validation.length > 0) {
    const issue = fastifyError.validation[0] as ValidationError;
    const field = fieldOf(issue);
    // Ajv says "must have required property 'x'" of the parent; the field itself is missing.
    const problem =
      issue.keyword === "required" ? "is required" : (issue.message ?? "is not valid");
    const message = `${field ?? fastifyError.validationContext ?? "request"} ${problem}`;
    return new AppError("validation_error", message, field ? { field } : {});
  }
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return new AppError(mapped, undefined, { cause: error });
  // JSON.parse failures from the body parser carry a 400 status and a SyntaxError.
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new AppError("invalid_json", `The body is not valid JSON: ${error.message}`);
  }
  if (fastifyError.statusCode === 429) return new AppError("rate_limited");
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError("validation_error", fastifyError.message);
  }
  return new AppError("internal_error", undefined, { cause: error });
}

/**
 * Errors Fastify meets before routing (a path that is no valid percent-encoded UTF-8, say
 * `%FF`), answered in the one error shape too instead of Fastify's own.
 */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const appError =
    error.code === "FST_ERR_BAD_URL"
      ? new AppError("validation_error", "The path is not valid percent-encoded UTF-8.", {
          field: "path",
        })
      : toAppError(error);
  request.log.info({ code: appError.code, field: appError.field }, "request refused");
  void reply.status(appError.status).send(appError.toJSON());
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    // A refusal's message may quote what was sent (a JSON parse error shows the body):
    // its code and field say what went wrong without it.
    if (appError.retryAfterSeconds !== undefined) {
      reply.header("retry-after", String(appError.retryAfterSeconds));
    }
    // Not a fault of ours or the client's: the request may work once the database is back.
    if (appError.code === "database_unavailable") {
      request.log.warn({ err: error }, "database unavailable");
    } else if (appError.status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ code: appError.code, field: appError.field }, "request refused");
    return reply.status(appError.status).send(appError.toJSON());
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(new AppError("not_found", `No route ${request.method} ${request.url}`).toJSON()),
  );
}

import { Ajv, type ErrorObject, type Options } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifyRequest, FastifySchemaCompiler } from "fastify";
import { AppError } from "../errors.js";

// ajv-formats ships CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const common: Options = { allErrors: false, removeAdditional: true, useDefaults: true };

// Bodies are JSON and keep their types: `"customer_oid": 42` is an error, not "42".
const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
// Query strings and params are text by nature; "per_page=20" must read as a number.
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: "array" }));

/**
 * What Postgres text cannot hold, or null: a NUL character, or a lone UTF-16 surrogate
 * (`"\udc00"` is valid JSON but no Unicode character; UTF-8 has no encoding for it).
 */
export function textProblem(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain a NUL character";
  if (!value.isWellFormed()) return "must be valid Unicode (it holds a lone UTF-16 surrogate)";
  return null;
}

/** The JSON pointer and problem of the first string, or key, that text cannot hold. */
function badTextAt(value: unknown, path = ""): { at: string; problem: string } | null {
  if (typeof value === "string") {
    const problem = textProblem(value);
    return problem === null ? null : { at: path, problem };
  }
  if (typeof value !== "object" || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const keyProblem = textProblem(key);
    if (keyProblem !== null) return { at: path || "/", problem: `has a key that ${keyProblem}` };
    const found = badTextAt(child, `${path}/${key}`);
    if (found !== null) return found;
  }
  return null;
}

type Validator = ReturnType<FastifySchemaCompiler<object>> & { errors?: ErrorObject[] | null };

/**
 * Ajv's checks, then one of our own for every request part of every route: Postgres text
 * cannot hold a NUL character or a lone surrogate, so one would otherwise fail deep in the
 * database as a 500.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? bodyAjv : textAjv;
  const validate = ajv.compile(schema);
  const check: Validator = (data: unknown) => {
    if (!validate(data)) {
      check.errors = validate.errors ?? null;
      return false;
    }
    const bad = badTextAt(data);
    check.errors =
      bad === null
        ? null
        : [
            {
              instancePath: bad.at,
              schemaPath: "#",
              keyword: "text",
              params: {},
              message: bad.problem,
            },
          ];
    return bad === null;
  };
  return check;
};

/**
 * An onRequest hook: path parameters the database could not take are refused before any
 * hook looks them up (account-scoped routes check membership before the schema runs).
 */
export async function checkPathParams(request: FastifyRequest): Promise<void> {
  for (const [name, value] of Object.entries(request.params as Record<string, unknown>)) {
    const problem = typeof value === "string" ? textProblem(value) : null;
    if (problem !== null) {
      throw new AppError("validation_error", `${name} ${problem}`, { field: name });
    }
  }
}

import { Ajv, type ErrorObject, type Options } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

// ajv-formats ships CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const common: Options = { allErrors: false, removeAdditional: true, useDefaults: true };

// Bodies are JSON and keep their types: `"customer_oid": 42` is an error, not "42".
const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
// Query strings and params are text by nature; "per_page=20" must read as a number.
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: "array" }));

/** The JSON pointer of the first string holding a NUL character, if any. */
function nulCharacterAt(value: unknown, path = ""): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (typeof value !== "object" || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = nulCharacterAt(child, `${path}/${key}`);
    if (found !== null) return found;
  }
  return null;
}

type Validator = ReturnType<FastifySchemaCompiler<object>> & { errors?: ErrorObject[] | null };

/**
 * Ajv's checks, then one of our own for every request part of every route: Postgres text
 * cannot hold a NUL character, so one would otherwise fail deep in the database as a 500.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? bodyAjv : textAjv;
  const validate = ajv.compile(schema);
  const check: Validator = (data: unknown) => {
    if (!validate(data)) {
      check.errors = validate.errors ?? null;
      return false;
    }
    const at = nulCharacterAt(data);
    check.errors =
      at === null
        ? null
        : [
            {
              instancePath: at,
              schemaPath: "#",
              keyword: "nul",
              params: {},
              message: "must not contain a NUL character",
            },
          ];
    return at === null;
  };
  return check;
};

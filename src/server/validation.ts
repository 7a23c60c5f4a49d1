import { Ajv, type Options } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

// ajv-formats ships CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const common: Options = { allErrors: false, removeAdditional: true, useDefaults: true };

// Bodies are JSON and keep their types: `"customer_oid": 42` is an error, not "42".
const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
// Query strings and params are text by nature; "per_page=20" must read as a number.
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: "array" }));

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? bodyAjv : textAjv;
  return ajv.compile(schema) as ReturnType<FastifySchemaCompiler<object>>;
};

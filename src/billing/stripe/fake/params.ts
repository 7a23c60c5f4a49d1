import type { Param, Params } from "./form.js";
import type { Listed, PageQuery, Table } from "./table.js";

/** A refusal in Stripe's own error shape and status. */
export class FakeStripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  body(): { error: Record<string, string> } {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.code ? { code: this.code } : {}),
        ...(this.param ? { param: this.param } : {}),
      },
    };
  }
}

export const invalid = (param: string, message: string, code = "parameter_invalid_string") =>
  new FakeStripeError(400, "invalid_request_error", message, code, param);

export const missing = (kind: string, id: string, param = "id") =>
  new FakeStripeError(
    404,
    "invalid_request_error",
    `No such ${kind}: '${id}'`,
    "resource_missing",
    param,
  );

/** Refuses parameters the endpoint does not take, as Stripe does. */
export function allowOnly(params: Params, names: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!names.includes(name)) {
      throw invalid(name, `Received unknown parameter: ${name}`, "parameter_unknown");
    }
  }
}

export function text(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(name, `Invalid ${name}: must be a string`);
  return value;
}

export function list(params: Params, name: string): string[] {
  const value: Param | undefined = params[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw invalid(name, `Invalid array: ${name}`);
  }
  return value as string[];
}

function integer(name: string, raw: string): number {
  if (!/^-?\d+$/.test(raw))
    throw invalid(name, `Invalid integer: ${raw}`, "parameter_invalid_integer");
  return Number(raw);
}

/** `created=T` or `created[gte|gt|lte|lt]=T`, as inclusive bounds. */
function createdBounds(params: Params): { createdFrom: number; createdTo: number } {
  const value = params.created;
  if (value === undefined) return { createdFrom: -Infinity, createdTo: Infinity };
  if (typeof value === "string") {
    const at = integer("created", value);
    return { createdFrom: at, createdTo: at };
  }
  if (Array.isArray(value))
    throw invalid("created", "Invalid created: must be a hash or an integer");
  let createdFrom = -Infinity;
  let createdTo = Infinity;
  for (const [op, raw] of Object.entries(value)) {
    if (typeof raw !== "string") throw invalid(`created[${op}]`, "Invalid integer");
    const at = integer(`created[${op}]`, raw);
    if (op === "gte") createdFrom = Math.max(createdFrom, at);
    else if (op === "gt") createdFrom = Math.max(createdFrom, at + 1);
    else if (op === "lte") createdTo = Math.min(createdTo, at);
    else if (op === "lt") createdTo = Math.min(createdTo, at - 1);
    else
      throw invalid(
        `created[${op}]`,
        `Received unknown parameter: created[${op}]`,
        "parameter_unknown",
      );
  }
  return { createdFrom, createdTo };
}

/** The paging parameters of a list request: limit (1-100, default 10), cursors, created. */
export function pageQuery<T extends Listed>(
  params: Params,
  table: Table<T>,
  kind: string,
  where: (object: T) => boolean = () => true,
): PageQuery<T> {
  const rawLimit = text(params, "limit");
  const limit = rawLimit === undefined ? 10 : integer("limit", rawLimit);
  if (limit < 1 || limit > 100) {
    throw invalid("limit", "This value must be between 1 and 100.", "parameter_invalid_integer");
  }
  const cursor = (name: string) => {
    const id = text(params, name);
    if (id === undefined) return undefined;
    const found = table.get(id);
    if (!found) throw missing(kind, id, name);
    return found;
  };
  const startingAfter = cursor("starting_after");
  const endingBefore = cursor("ending_before");
  if (startingAfter && endingBefore) {
    throw invalid(
      "ending_before",
      "You may only specify one of these parameters: starting_after, ending_before.",
    );
  }
  return { limit, startingAfter, endingBefore, ...createdBounds(params), where };
}

/** `expand[]` paths, relative to the object, checked against what it can expand. */
export function expansions(
  params: Params,
  prefix: string,
  expandable: readonly string[],
): string[] {
  return list(params, "expand").map((path) => {
    // Stripe expands at most four levels deep, counting a list's `data`.
    if (path.split(".").length > 4) {
      throw invalid("expand", `You cannot expand more than 4 levels of a property: ${path}`);
    }
    const relative = path.startsWith(prefix) ? path.slice(prefix.length) : null;
    if (relative === null || !expandable.includes(relative)) {
      throw invalid("expand", `This property cannot be expanded (${path}).`);
    }
    return relative;
  });
}

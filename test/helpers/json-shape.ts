/** JSON's names for a value's type, integers apart: documented examples tell them apart. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * Where `actual` falls short of the shape of `example` (a documented example): every field
 * the example has, at the same place and of the same JSON type, all the way down; each list
 * item against the example's first item. A null in the example shows only that the field is
 * there, not its type. Fields the example lacks are fine. One line per gap: "path: what".
 */
export function shapeGaps(example: unknown, actual: unknown, path = "$"): string[] {
  const documented = typeOf(example);
  if (documented === "null") return [];
  const ours = typeOf(actual);
  if (documented !== ours && !(documented === "number" && ours === "integer")) {
    return [`${path}: documented ${documented}, ours ${ours}`];
  }
  if (Array.isArray(example)) {
    const [item] = example;
    const items = actual as unknown[];
    if (item === undefined) return [];
    if (items.length === 0) return [`${path}: documented with items, ours empty`];
    return [...new Set(items.flatMap((each) => shapeGaps(item, each, `${path}[]`)))];
  }
  if (documented !== "object") return [];
  const fields = actual as Record<string, unknown>;
  return Object.entries(example as Record<string, unknown>).flatMap(([key, value]) =>
    Object.hasOwn(fields, key)
      ? shapeGaps(value, fields[key], `${path}.${key}`)
      : [`${path}.${key}: missing`],
  );
}

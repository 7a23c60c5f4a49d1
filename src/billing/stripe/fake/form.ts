/**
 * Stripe's form encoding, as the SDK writes it into query strings and bodies: brackets nest
 * (`created[gte]=1`), arrays are indexed or not (`expand[0]=a`, `expand[]=a`).
 */
export type Param = string | Param[] | { [key: string]: Param };
export type Params = Record<string, Param>;

export function parseParams(encoded: string): Params {
  const params: Params = {};
  for (const [name, value] of new URLSearchParams(encoded)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
    if (!match) continue;
    const path = [...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "");
    assign(params, match[1] ?? name, path, value);
  }
  return params;
}

type Container = Param[] | { [key: string]: Param };

function assign(parent: Container, key: string, path: string[], value: string): void {
  const [next, ...rest] = path;
  if (next === undefined) {
    put(parent, key, value);
    return;
  }
  // An empty or numeric segment makes an array; a name, an object.
  const wantsArray = next === "" || /^\d+$/.test(next);
  let child = get(parent, key);
  if (typeof child !== "object" || Array.isArray(child) !== wantsArray) {
    child = wantsArray ? [] : {};
    put(parent, key, child);
  }
  const childKey = next === "" && Array.isArray(child) ? String(child.length) : next;
  assign(child, childKey, rest, value);
}

function get(container: Container, key: string): Param | undefined {
  return Array.isArray(container) ? container[Number(key)] : container[key];
}

function put(container: Container, key: string, value: Param): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else container[key] = value;
}

import type Stripe from "stripe";

export interface Listed {
  id: string;
  created: number;
}

/** Objects made on the fly from an index (a big generated account), oldest first. */
export interface GeneratedRows<T extends Listed> {
  readonly count: number;
  at(index: number): T;
  indexOf(id: string): number | null;
}

/** Oldest first: by `created`, then by id within a second (lists walk it backwards). */
function compare(a: Listed, b: Listed): number {
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A sorted run of objects: stored ones, or generated ones with their stored changes. */
interface Run<T extends Listed> {
  length: number;
  at(index: number): T;
}

/** The first index whose object sorts after `key` (`strict`) or not before it. */
function search<T extends Listed>(run: Run<T>, key: Listed, strict: boolean): number {
  let low = 0;
  let high = run.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const order = compare(run.at(middle), key);
    if (order < 0 || (strict && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
}

function* walk<T extends Listed>(run: Run<T>, from: number, step: 1 | -1): Generator<T> {
  for (let i = from; i >= 0 && i < run.length; i += step) yield run.at(i);
}

/** Sorted runs merged into one, in the order `first` says. */
function* merge<T>(runs: Iterator<T>[], first: (a: T, b: T) => boolean): Generator<T> {
  const heads = runs.map((run) => run.next());
  for (;;) {
    let best: number | null = null;
    for (const [i, head] of heads.entries()) {
      const current = best === null ? undefined : heads[best];
      if (!head.done && (!current || current.done || first(head.value, current.value))) best = i;
    }
    const head = best === null ? undefined : heads[best];
    if (best === null || !head || head.done) return;
    yield head.value;
    heads[best] = runs[best]?.next() ?? { done: true, value: undefined };
  }
}

export interface PageQuery<T extends Listed> {
  limit: number;
  startingAfter?: T | undefined;
  endingBefore?: T | undefined;
  /** Inclusive bounds of `created`. */
  createdFrom: number;
  createdTo: number;
  where: (object: T) => boolean;
}

/** Sorts after any id. */
const LAST_ID = "\uffff";

/**
 * The objects of one kind in one fake account: those stored (made by state changes) and,
 * for a big account, those generated from an index, which are made only when read, so
 * memory holds the changes alone.
 */
export class Table<T extends Listed> {
  private readonly stored: T[] = [];
  private readonly changed = new Map<string, T>();

  constructor(private readonly generated: GeneratedRows<T> | null = null) {}

  get(id: string): T | undefined {
    const stored = this.stored.find((o) => o.id === id);
    if (stored) return stored;
    const index = this.generated?.indexOf(id) ?? null;
    if (index === null || !this.generated) return undefined;
    return this.changed.get(id) ?? this.generated.at(index);
  }

  /** Adds an object, or replaces the one with its id. */
  put(object: T): void {
    if (this.generated?.indexOf(object.id) != null) {
      this.changed.set(object.id, object);
      return;
    }
    const index = this.stored.findIndex((o) => o.id === object.id);
    if (index >= 0) this.stored[index] = object;
    else this.stored.splice(search(this.storedRun(), object, true), 0, object);
  }

  /** One page, newest first, as Stripe's list endpoints give it. */
  page(query: PageQuery<T>, url: string): Stripe.ApiList<T> {
    const found: T[] = [];
    for (const object of this.walk(query)) {
      if (object.created < query.createdFrom || object.created > query.createdTo) break;
      if (query.where(object)) found.push(object);
      if (found.length > query.limit) break;
    }
    const data = found.slice(0, query.limit);
    // ending_before pages backwards: the objects right before the cursor, still newest first.
    if (query.endingBefore) data.reverse();
    return { object: "list", data, has_more: found.length > query.limit, url };
  }

  /** Every object from the cursor on: newest first, or oldest first for `endingBefore`. */
  private walk(query: PageQuery<T>): Generator<T> {
    const runs = [this.storedRun(), this.generatedRun()];
    if (query.endingBefore) {
      const bound = { created: query.createdFrom - 1, id: LAST_ID };
      const from = compare(query.endingBefore, bound) > 0 ? query.endingBefore : bound;
      const walks = runs.map((run) => walk(run, search(run, from, true), 1));
      return merge(walks, (a, b) => compare(a, b) < 0);
    }
    const bound = { created: query.createdTo + 1, id: "" };
    const from =
      query.startingAfter && compare(query.startingAfter, bound) < 0 ? query.startingAfter : bound;
    const walks = runs.map((run) => walk(run, search(run, from, false) - 1, -1));
    return merge(walks, (a, b) => compare(a, b) > 0);
  }

  private storedRun(): Run<T> {
    return { length: this.stored.length, at: (i) => this.stored[i] as T };
  }

  private generatedRun(): Run<T> {
    const rows = this.generated;
    if (!rows) return { length: 0, at: () => undefined as never };
    return {
      length: rows.count,
      at: (i) => {
        const row = rows.at(i);
        return this.changed.get(row.id) ?? row;
      },
    };
  }
}

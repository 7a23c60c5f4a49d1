import type Stripe from "stripe";
import type {
  BillingCustomer,
  BillingSubscription,
  CreatedProbe,
  ListName,
  ListOptions,
  Page,
} from "../provider.js";
import type { StripeConnection } from "./connection.js";
import { mapCustomer, mapSubscription } from "./map.js";

/** What a subscription's MRR needs expanded: its discounts' coupons, its items' discounts. */
export const SUBSCRIPTION_EXPAND = ["discounts.source.coupon", "items.data.discounts"];

type ListParams = { limit: number; starting_after?: string; created?: Stripe.RangeQueryParam };

/**
 * Pages of one Stripe list, newest first, from a cursor on: only one page is in memory, and
 * each page's last id is the cursor to resume after it (a crash loses at most a page).
 */
async function* pages<T extends { id: string }, U>(
  connection: StripeConnection,
  options: ListOptions,
  fetch: (params: ListParams) => Promise<Stripe.ApiList<T>>,
  convert: (page: T[]) => Promise<U[]>,
): AsyncGenerator<Page<U>> {
  let cursor = options.cursor ?? null;
  const { gte, lt } = options.created ?? {};
  const created = gte === undefined && lt === undefined ? {} : { created: { gte, lt } };
  for (;;) {
    const params = {
      limit: connection.pageSize,
      ...created,
      ...(cursor ? { starting_after: cursor } : {}),
    };
    const page = await connection.call(() => fetch(params), options.signal);
    cursor = page.data.at(-1)?.id ?? cursor;
    yield { items: await convert(page.data), cursor, done: !page.has_more };
    if (!page.has_more) return;
  }
}

export function customerPages(
  connection: StripeConnection,
  options: ListOptions = {},
): AsyncGenerator<Page<BillingCustomer>> {
  const livemode = connection.mode === "live";
  return pages(
    connection,
    options,
    (params) => connection.stripe.customers.list(params),
    async (customers) => customers.map((customer) => mapCustomer(customer, livemode)),
  );
}

/** Every subscription, canceled ones included. */
export function subscriptionPages(
  connection: StripeConnection,
  options: ListOptions = {},
): AsyncGenerator<Page<BillingSubscription>> {
  return pages(
    connection,
    options,
    (params) =>
      connection.stripe.subscriptions.list({
        ...params,
        status: "all",
        expand: SUBSCRIPTION_EXPAND.map((path) => `data.${path}`),
      }),
    async (subscriptions) => mapFetched(connection, subscriptions, options.signal),
  );
}

/** Subscriptions just read, as ours: their coupons read first, dated by our clock. */
export async function mapFetched(
  connection: StripeConnection,
  subscriptions: Stripe.Subscription[],
  signal?: AbortSignal,
): Promise<BillingSubscription[]> {
  const asOfMs = connection.clock.now();
  await connection.coupons.load(subscriptions, signal);
  const origin = { source: "fetch" as const, asOfMs, eventId: null };
  return subscriptions.map((s) => mapSubscription(s, origin, connection.coupons.lookup));
}

/** The creation times of a list's newest objects at or before `lte`: ids and times only read. */
export async function probeCreated(
  connection: StripeConnection,
  list: ListName,
  options: { lte?: number; limit: number; signal?: AbortSignal },
): Promise<CreatedProbe> {
  const params = {
    limit: options.limit,
    ...(options.lte === undefined ? {} : { created: { lte: options.lte } }),
  };
  const read = async (): Promise<Stripe.ApiList<{ created: number }>> =>
    list === "customers"
      ? connection.stripe.customers.list(params)
      : connection.stripe.subscriptions.list({ ...params, status: "all" });
  const page = await connection.call(read, options.signal);
  return { created: page.data.map((object) => object.created), hasMore: page.has_more };
}

import type Stripe from "stripe";
import type { FakeStripeAccount } from "./account.js";
import type { Params } from "./form.js";
import { allowOnly, expansions, invalid, list, missing, pageQuery, text } from "./params.js";
import { EXPANDABLE } from "./present.js";

type Handler = (account: FakeStripeAccount, params: Params, id: string) => unknown;

const PAGING = ["limit", "starting_after", "ending_before", "expand"];

const STATUSES = [
  "active",
  "canceled",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
];

/** Which subscriptions a `status` parameter asks for: by default all but canceled ones. */
function statusFilter(status: string | undefined): (s: Stripe.Subscription) => boolean {
  if (status === undefined) return (s) => s.status !== "canceled";
  if (status === "all") return () => true;
  if (status === "ended")
    return (s) => s.status === "canceled" || s.status === "incomplete_expired";
  if (!STATUSES.includes(status)) {
    throw invalid("status", `Invalid status: must be one of all, ended, ${STATUSES.join(", ")}`);
  }
  return (s) => s.status === status;
}

/** Stripe's event type filter: exact, or with a `*` wildcard (`customer.subscription.*`). */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes("*")) return (type) => type === pattern;
  const prefix = pattern.slice(0, pattern.indexOf("*"));
  return (type) => type.startsWith(prefix);
}

const listSubscriptions: Handler = (account, params) => {
  allowOnly(params, [...PAGING, "created", "status", "customer", "price"]);
  const expand = expansions(params, "data.", EXPANDABLE.subscription);
  const byStatus = statusFilter(text(params, "status"));
  const customer = text(params, "customer");
  const price = text(params, "price");
  const where = (s: Stripe.Subscription) =>
    byStatus(s) &&
    (customer === undefined || s.customer === customer) &&
    (price === undefined || s.items.data.some((item) => item.price.id === price));
  const page = account.subscriptions.page(
    pageQuery(params, account.subscriptions, "subscription", where),
    "/v1/subscriptions",
  );
  return { ...page, data: page.data.map((s) => account.present(s, expand)) };
};

const getSubscription: Handler = (account, params, id) => {
  allowOnly(params, ["expand"]);
  const expand = expansions(params, "", EXPANDABLE.subscription);
  const found = account.subscriptions.get(id);
  if (!found) throw missing("subscription", id);
  return account.present(found, expand);
};

const listCustomers: Handler = (account, params) => {
  allowOnly(params, [...PAGING, "created", "email"]);
  expansions(params, "data.", EXPANDABLE.other);
  const email = text(params, "email");
  const where = (c: Stripe.Customer) => email === undefined || c.email === email;
  return account.customers.page(
    pageQuery(params, account.customers, "customer", where),
    "/v1/customers",
  );
};

const listPrices: Handler = (account, params) => {
  allowOnly(params, [...PAGING, "created", "active", "product", "type"]);
  expansions(params, "data.", EXPANDABLE.other);
  const active = text(params, "active");
  const product = text(params, "product");
  const type = text(params, "type");
  const where = (p: Stripe.Price) =>
    (active === undefined || String(p.active) === active) &&
    (product === undefined || p.product === product) &&
    (type === undefined || p.type === type);
  return account.prices.page(pageQuery(params, account.prices, "price", where), "/v1/prices");
};

const listCoupons: Handler = (account, params) => {
  allowOnly(params, [...PAGING, "created"]);
  expansions(params, "data.", EXPANDABLE.other);
  return account.coupons.page(pageQuery(params, account.coupons, "coupon"), "/v1/coupons");
};

const INVOICE_STATUSES = ["draft", "open", "paid", "uncollectible", "void"];

const listInvoices: Handler = (account, params) => {
  allowOnly(params, [...PAGING, "created", "status", "customer", "subscription"]);
  expansions(params, "data.", EXPANDABLE.other);
  const status = text(params, "status");
  if (status !== undefined && !INVOICE_STATUSES.includes(status)) {
    throw invalid("status", `Invalid status: must be one of ${INVOICE_STATUSES.join(", ")}`);
  }
  const customer = text(params, "customer");
  const subscription = text(params, "subscription");
  const where = (i: Stripe.Invoice) =>
    (status === undefined || i.status === status) &&
    (customer === undefined || i.customer === customer) &&
    (subscription === undefined || i.parent?.subscription_details?.subscription === subscription);
  return account.invoices.page(
    pageQuery(params, account.invoices, "invoice", where),
    "/v1/invoices",
  );
};

const listEvents: Handler = (account, params) => {
  allowOnly(params, [...PAGING, "created", "type", "types"]);
  expansions(params, "data.", EXPANDABLE.other);
  const type = text(params, "type");
  const types = list(params, "types");
  if (type !== undefined && types.length > 0) {
    throw invalid("types", "You may only specify one of these parameters: type, types.");
  }
  if (types.length > 20) throw invalid("types", "You may pass at most 20 types.");
  const matchers = (type === undefined ? types : [type]).map(typeMatcher);
  const where = (e: Stripe.Event) => matchers.length === 0 || matchers.some((m) => m(e.type));
  return account.events.page(pageQuery(params, account.events, "event", where), "/v1/events");
};

/** A GET of one object that takes no expansions. */
function getOne<K extends "customers" | "prices" | "coupons" | "invoices" | "events">(
  table: K,
  kind: string,
): Handler {
  return (account, params, id) => {
    allowOnly(params, ["expand"]);
    expansions(params, "", EXPANDABLE.other);
    const found = account[table].get(id);
    if (!found) throw missing(kind, id);
    return found;
  };
}

/** The endpoints the sync uses, all reads (GET). */
const ROUTES: [RegExp, Handler][] = [
  [/^\/v1\/customers$/, listCustomers],
  [/^\/v1\/customers\/([^/]+)$/, getOne("customers", "customer")],
  [/^\/v1\/subscriptions$/, listSubscriptions],
  [/^\/v1\/subscriptions\/([^/]+)$/, getSubscription],
  [/^\/v1\/prices$/, listPrices],
  [/^\/v1\/prices\/([^/]+)$/, getOne("prices", "price")],
  [/^\/v1\/coupons$/, listCoupons],
  [/^\/v1\/coupons\/([^/]+)$/, getOne("coupons", "coupon")],
  [/^\/v1\/invoices$/, listInvoices],
  [/^\/v1\/invoices\/([^/]+)$/, getOne("invoices", "invoice")],
  [/^\/v1\/events$/, listEvents],
  [/^\/v1\/events\/([^/]+)$/, getOne("events", "event")],
];

/** The handler of a GET path, with the id it names; null for a path Stripe does not have. */
export function routeOf(path: string): { handler: Handler; id: string } | null {
  for (const [pattern, handler] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return { handler, id: decodeURIComponent(match[1] ?? "") };
  }
  return null;
}

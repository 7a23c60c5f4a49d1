import type Stripe from "stripe";
import type { FakeStripeAccount, SubscriptionUpdate } from "./account.js";
import type { Param, Params } from "./form.js";
import { allowOnly, expansions, FakeStripeError, invalid, missing, text } from "./params.js";
import { EXPANDABLE } from "./present.js";

type Handler = (account: FakeStripeAccount, params: Params, id: string) => unknown;

function integer(params: Params, name: string): number | undefined {
  const raw = text(params, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw invalid(name, `Invalid integer: ${raw}`, "parameter_invalid_integer");
  return Number(raw);
}

function hash(value: Param | undefined, name: string): Params {
  if (value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw invalid(name, `Invalid hash: ${name}`);
  return value;
}

function array(value: Param | undefined, name: string): Params[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(name, `Invalid array: ${name}`);
  return value.map((entry, i) => hash(entry, `${name}[${i}]`));
}

const createCoupon: Handler = (account, params) => {
  allowOnly(params, [
    "id",
    "name",
    "duration",
    "duration_in_months",
    "percent_off",
    "amount_off",
    "currency",
  ]);
  const id = text(params, "id");
  if (id !== undefined && account.coupons.get(id)) {
    throw new FakeStripeError(
      400,
      "invalid_request_error",
      "Coupon already exists.",
      "resource_already_exists",
      "id",
    );
  }
  const duration = text(params, "duration") ?? "once";
  if (duration !== "once" && duration !== "repeating" && duration !== "forever") {
    throw invalid("duration", `Invalid duration: ${duration}`);
  }
  const months = integer(params, "duration_in_months");
  if (duration === "repeating" && months === undefined) {
    throw invalid("duration_in_months", "A repeating coupon needs duration_in_months.");
  }
  const percent = text(params, "percent_off");
  const amountOff = integer(params, "amount_off");
  if ((percent === undefined) === (amountOff === undefined)) {
    throw invalid("percent_off", "Give exactly one of amount_off and percent_off.");
  }
  const currency = text(params, "currency");
  if (amountOff !== undefined && currency === undefined) {
    throw invalid("currency", "An amount_off coupon needs a currency.");
  }
  return account.createCoupon({
    ...(id === undefined ? {} : { id }),
    duration,
    ...(months === undefined ? {} : { durationInMonths: months }),
    ...(percent === undefined ? {} : { percentOff: Number(percent) }),
    ...(amountOff === undefined ? {} : { amountOff, currency }),
    ...(text(params, "name") === undefined ? {} : { name: text(params, "name") }),
  });
};

const PRORATIONS = ["create_prorations", "none", "always_invoice"];

/** The changes a retention offer makes; anything else is refused as Stripe refuses unknowns. */
function subscriptionUpdate(account: FakeStripeAccount, params: Params): SubscriptionUpdate {
  allowOnly(params, [
    "discounts",
    "pause_collection",
    "items",
    "proration_behavior",
    "trial_end",
    "expand",
  ]);
  const update: SubscriptionUpdate = {};
  if (params.discounts !== undefined) {
    update.coupons = array(params.discounts, "discounts").map((entry, i) => {
      const coupon = text(entry, "coupon");
      if (coupon === undefined) throw invalid(`discounts[${i}][coupon]`, "A coupon is needed.");
      if (!account.coupons.get(coupon)) throw missing("coupon", coupon, `discounts[${i}][coupon]`);
      return coupon;
    });
  }
  if (params.pause_collection !== undefined) {
    const pause = hash(params.pause_collection, "pause_collection");
    const behavior = text(pause, "behavior");
    if (behavior !== "void" && behavior !== "keep_as_draft" && behavior !== "mark_uncollectible") {
      throw invalid("pause_collection[behavior]", `Invalid behavior: ${String(behavior)}`);
    }
    const resumesAt = integer(pause, "resumes_at") ?? null;
    update.pause = { behavior, resumes_at: resumesAt };
  }
  update.items = array(params.items, "items").map((entry, i) => {
    const id = text(entry, "id");
    const price = text(entry, "price");
    if (id === undefined || price === undefined) {
      throw invalid(`items[${i}]`, "An item update needs id and price.");
    }
    const found = account.prices.get(price);
    if (!found) throw missing("price", price, `items[${i}][price]`);
    return { id, price: found };
  });
  const proration = text(params, "proration_behavior");
  if (proration !== undefined && !PRORATIONS.includes(proration)) {
    throw invalid("proration_behavior", `Invalid proration_behavior: ${proration}`);
  }
  update.trialEnd = integer(params, "trial_end");
  return update;
}

const updateSubscription: Handler = (account, params, id) => {
  const expand = expansions(params, "", EXPANDABLE.subscription);
  const found = account.subscriptions.get(id);
  if (!found) throw missing("subscription", id);
  if (found.status === "canceled") {
    throw invalid("id", "A canceled subscription can only update its metadata.");
  }
  const update = subscriptionUpdate(account, params);
  for (const item of update.items ?? []) {
    if (!found.items.data.some((existing) => existing.id === item.id)) {
      throw missing("subscription_item", item.id, "items[0][id]");
    }
  }
  return account.present(
    account.updateSubscription(id, update),
    expand,
  ) satisfies Stripe.Subscription;
};

/** The endpoints retention offers write to (POST). */
const ROUTES: [RegExp, Handler][] = [
  [/^\/v1\/coupons$/, createCoupon],
  [/^\/v1\/subscriptions\/([^/]+)$/, updateSubscription],
];

/** The handler of a POST path, with the id it names; null for a path the fake does not take. */
export function writeRouteOf(path: string): { handler: Handler; id: string } | null {
  for (const [pattern, handler] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return { handler, id: decodeURIComponent(match[1] ?? "") };
  }
  return null;
}

import type Stripe from "stripe";
import { couponObject, customerObject, discountObject, priceObject } from "./objects.js";
import { subscriptionObject } from "./subscription-object.js";
import type { GeneratedRows } from "./table.js";

/**
 * A big account made from an index, the same every time: customer i and its subscription i
 * exist only while a request reads them, so a fake account of 100,000 customers takes no
 * more memory than one of ten. Prices and coupons are a small stored catalog.
 */

/**
 * When the generated account's customers came: spread over the three years before `asOf`,
 * the newest a month before it. `asOf` is the day the account was made, so every object is
 * a fixed function of its index for that day (a trial ends on the same date on every read).
 */
export interface Timeline {
  asOf: number;
  first: number;
  spacing: number;
}

export function timeline(count: number, nowMs: number): Timeline {
  const asOf = Math.floor(nowMs / 86_400_000) * 86_400;
  const spacing = Math.max(60, Math.floor((3 * 365 * 86_400) / Math.max(count, 1)));
  return { asOf, first: asOf - 30 * 86_400 - count * spacing, spacing };
}

const pad = (index: number) => String(index).padStart(7, "0");

/** A cheap, well-mixed number from an index and a salt (Knuth's multiplicative hash). */
function mix(index: number, salt: number): number {
  return (Math.imul(index + salt * 7919, 2_654_435_761) >>> 0) % 1000;
}

export interface GeneratedCatalog {
  prices: Stripe.Price[];
  coupons: Stripe.Coupon[];
}

export function generatedCatalog(livemode: boolean, time: Timeline): GeneratedCatalog {
  const at = time.first - 86_400;
  const price = (id: string, fields: Omit<Parameters<typeof priceObject>[0], "id" | "created">) =>
    priceObject({ id, created: at, ...fields }, livemode);
  return {
    prices: [
      price("price_gen_basic", {
        currency: "usd",
        product: "prod_gen_basic",
        nickname: "Basic",
        unitAmount: 1900,
        recurring: { interval: "month" },
      }),
      price("price_gen_pro", {
        currency: "usd",
        product: "prod_gen_pro",
        nickname: "Pro",
        unitAmount: 4900,
        recurring: { interval: "month" },
      }),
      price("price_gen_pro_yearly", {
        currency: "usd",
        product: "prod_gen_pro",
        nickname: "Pro (yearly)",
        unitAmount: 49_000,
        recurring: { interval: "year" },
      }),
      price("price_gen_team", {
        currency: "usd",
        product: "prod_gen_team",
        nickname: "Team (per seat)",
        unitAmount: 1200,
        recurring: { interval: "month" },
      }),
      price("price_gen_business", {
        currency: "usd",
        product: "prod_gen_business",
        nickname: "Business (quarterly)",
        unitAmount: 29_700,
        recurring: { interval: "month", intervalCount: 3 },
      }),
      price("price_gen_basic_eur", {
        currency: "eur",
        product: "prod_gen_basic",
        nickname: "Basic (EUR)",
        unitAmount: 1700,
        recurring: { interval: "month" },
      }),
      price("price_gen_api", {
        currency: "usd",
        product: "prod_gen_api",
        nickname: "API usage",
        unitAmount: 2,
        recurring: { interval: "month", metered: true },
      }),
    ],
    coupons: [
      couponObject(
        { id: "coupon_gen_20_forever", created: at, duration: "forever", percentOff: 20 },
        livemode,
      ),
      couponObject(
        {
          id: "coupon_gen_500_3m",
          created: at,
          duration: "repeating",
          durationInMonths: 3,
          amountOff: 500,
          currency: "usd",
        },
        livemode,
      ),
    ],
  };
}

const FEEDBACK: Stripe.Subscription.CancellationDetails.Feedback[] = [
  "too_expensive",
  "missing_features",
  "switched_service",
  "unused",
  "customer_service",
  "too_complex",
  "low_quality",
  "other",
];

export function generatedCustomers(
  count: number,
  livemode: boolean,
  time: Timeline,
): GeneratedRows<Stripe.Customer> {
  return {
    count,
    at: (i) =>
      customerObject(
        {
          id: `cus_G${pad(i)}`,
          created: time.first + i * time.spacing,
          email: `customer${i}@example.com`,
          name: `Customer ${i}`,
        },
        livemode,
      ),
    indexOf: (id) => indexIn(id, "cus_G", count),
  };
}

export function generatedSubscriptions(
  count: number,
  livemode: boolean,
  catalog: GeneratedCatalog,
  time: Timeline,
): GeneratedRows<Stripe.Subscription> {
  const [basic, pro, proYearly, team, business, basicEur, api] = catalog.prices;
  const plans = [basic, pro, proYearly, team, business, basicEur].filter((p) => p !== undefined);
  const [percentOff, amountOff] = catalog.coupons;
  return {
    count,
    at(i) {
      const id = `sub_G${pad(i)}`;
      const customer = `cus_G${pad(i)}`;
      const created = time.first + i * time.spacing + 60;
      const { asOf } = time;
      const price = plans[mix(i, 1) % plans.length] ?? plans[0];
      if (!price) throw new Error("the generated catalog has no prices");
      const seats = price === team ? 1 + (mix(i, 2) % 12) : 1;
      const items = [{ id: `si_G${pad(i)}`, price, quantity: seats }];
      if (price === team && api && mix(i, 3) < 400)
        items.push({ id: `si_H${pad(i)}`, price: api, quantity: 1 });
      const coupon = price.currency === "usd" ? [percentOff, amountOff][mix(i, 4) % 10] : undefined;
      const discounts = coupon
        ? [
            discountObject({
              id: `di_G${pad(i)}`,
              coupon,
              customer,
              subscription: id,
              start: created,
            }),
          ]
        : [];
      // Out of 1000: under 60 ended (the first 12 for non-payment), 60-99 trialing,
      // 100-129 past due or unpaid, 130-149 set to end with the period; the rest active.
      const fate = mix(i, 5);
      const trialEnd = fate >= 60 && fate < 100 ? asOf + 86_400 * (1 + (i % 13)) : null;
      const sub = subscriptionObject(
        { id, customer, created, items, discounts, trialEnd },
        asOf,
        livemode,
      );
      if (fate < 60) {
        // A month or more after they began, and before the account's day.
        const ended = Math.min(asOf - 3600, created + 86_400 * (30 + (mix(i, 6) % 300)));
        const failed = fate < 12;
        sub.status = "canceled";
        sub.canceled_at = ended;
        sub.ended_at = ended;
        sub.cancellation_details = {
          reason: failed ? "payment_failed" : "cancellation_requested",
          feedback: failed ? null : (FEEDBACK[mix(i, 7) % FEEDBACK.length] ?? null),
          feedback_option: null,
          comment: null,
        };
      } else if (fate >= 100 && fate < 130) {
        sub.status = fate < 125 ? "past_due" : "unpaid";
      } else if (fate >= 130 && fate < 150) {
        sub.cancel_at_period_end = true;
        sub.cancel_at = sub.items.data[0]?.current_period_end ?? null;
        sub.canceled_at = asOf - 86_400;
        sub.cancellation_details = {
          reason: "cancellation_requested",
          feedback: null,
          feedback_option: null,
          comment: null,
        };
      }
      return sub;
    },
    indexOf: (id) => indexIn(id, "sub_G", count),
  };
}

function indexIn(id: string, prefix: string, count: number): number | null {
  if (!id.startsWith(prefix)) return null;
  const index = Number(id.slice(prefix.length));
  return Number.isInteger(index) && index >= 0 && index < count ? index : null;
}

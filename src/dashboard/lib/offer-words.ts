import type { ApiOffer } from "../../contract/offers.js";
import { formatMoney } from "./format.js";

export const KIND_LABELS: Record<ApiOffer["kind"], string> = {
  discount: "Discount",
  pause: "Pause payments",
  price_switch: "Switch price",
  trial_extension: "Longer trial",
  contact_link: "Talk to us (a link)",
};

export const INTERVAL_LABELS: Record<NonNullable<ApiOffer["billing_interval"]>, string> = {
  day: "daily",
  week: "weekly",
  month: "monthly",
  year: "yearly",
};

export const PRORATION_LABELS = {
  create_prorations: "prorate on the next invoice",
  always_invoice: "prorate and invoice at once",
  none: "no proration",
} as const;

/** A label table as [value, label] pairs, for a select, keeping the value's type. */
export const entries = <V extends string>(labels: Record<V, string>) =>
  Object.entries(labels) as Array<[V, string]>;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** What the customer is given, in a line: "20% off for 3 months". */
export function offerTerms({ kind, params: p }: Pick<ApiOffer, "kind" | "params">): string {
  switch (kind) {
    case "discount": {
      const off =
        p.percent_off !== undefined
          ? `${p.percent_off}%`
          : formatMoney({ amount: p.amount_off ?? 0, currency: p.currency ?? "usd" });
      return `${off} off for ${plural(p.duration_in_months ?? 1, "month")}`;
    }
    case "pause":
      return `No payments for ${plural(p.months ?? 1, "month")}`;
    case "price_switch":
      return `Move to price ${p.price_id ?? ""} (${PRORATION_LABELS[p.proration ?? "create_prorations"]})`;
    case "trial_extension":
      return `Trial longer by ${plural(p.days ?? 1, "day")}`;
    case "contact_link":
      return `Link to ${p.url ?? ""}`;
  }
}

/** Which customers may get it, beyond the reason: "plan Pro · billed monthly". */
export function offerConditions(offer: ApiOffer): string {
  const parts: string[] = [];
  if (offer.plan !== null) parts.push(`plan ${offer.plan}`);
  const min = offer.min_tenure_days;
  const max = offer.max_tenure_days;
  if (min !== null && max !== null) parts.push(`customer for ${min} to ${max} days`);
  else if (min !== null) parts.push(`customer for at least ${plural(min, "day")}`);
  else if (max !== null) parts.push(`customer for at most ${plural(max, "day")}`);
  if (offer.billing_interval !== null) {
    parts.push(`billed ${INTERVAL_LABELS[offer.billing_interval]}`);
  }
  return parts.length === 0 ? "any customer" : parts.join(" · ");
}

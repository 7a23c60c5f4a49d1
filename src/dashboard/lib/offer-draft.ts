import type { ApiOffer, OfferBody } from "../../contract/offers.js";
import { majorUnits, minorUnits } from "./format.js";

/** The offer form's state: text as typed, turned into a body only on submit. */
export interface OfferDraft {
  kind: ApiOffer["kind"];
  title: string;
  description: string;
  discountBy: "percent" | "amount";
  percentOff: string;
  /** In the currency's major unit, as people think of prices ("4.99"). */
  amountOff: string;
  currency: string;
  durationInMonths: string;
  months: string;
  priceId: string;
  proration: NonNullable<ApiOffer["params"]["proration"]>;
  days: string;
  url: string;
  reasonIds: string[];
  plan: string;
  minTenureDays: string;
  maxTenureDays: string;
  billingInterval: ApiOffer["billing_interval"];
  active: boolean;
}

export type SetDraft = <K extends keyof OfferDraft>(key: K, value: OfferDraft[K]) => void;

const text = (n: number | undefined) => (n === undefined ? "" : String(n));

export function draftOf(offer: ApiOffer | null): OfferDraft {
  const p = offer?.params ?? {};
  return {
    kind: offer?.kind ?? "discount",
    title: offer?.title ?? "",
    description: offer?.description ?? "",
    discountBy: p.amount_off !== undefined ? "amount" : "percent",
    percentOff: text(p.percent_off),
    amountOff:
      p.amount_off !== undefined && p.currency !== undefined
        ? String(majorUnits({ amount: p.amount_off, currency: p.currency }))
        : "",
    currency: p.currency?.toUpperCase() ?? "",
    durationInMonths: text(p.duration_in_months),
    months: text(p.months),
    priceId: p.price_id ?? "",
    proration: p.proration ?? "create_prorations",
    days: text(p.days),
    url: p.url ?? "",
    reasonIds: offer?.reason_ids ?? [],
    plan: offer?.plan ?? "",
    minTenureDays: text(offer?.min_tenure_days ?? undefined),
    maxTenureDays: text(offer?.max_tenure_days ?? undefined),
    billingInterval: offer?.billing_interval ?? null,
    active: offer?.active ?? true,
  };
}

/** A number as typed; left empty, it is left out (the server says what is missing). */
const number = (value: string) => (value.trim() === "" ? undefined : Number(value));
const nullableNumber = (value: string) => number(value) ?? null;

function paramsOf(d: OfferDraft): OfferBody["params"] {
  switch (d.kind) {
    case "discount": {
      const duration_in_months = number(d.durationInMonths);
      if (d.discountBy === "percent")
        return { percent_off: number(d.percentOff), duration_in_months };
      const amount = number(d.amountOff);
      const currency = d.currency.trim() || undefined;
      return {
        amount_off: amount === undefined ? undefined : minorUnits(amount, currency ?? "usd"),
        currency,
        duration_in_months,
      };
    }
    case "pause":
      return { months: number(d.months) };
    case "price_switch":
      return { price_id: d.priceId.trim(), proration: d.proration };
    case "trial_extension":
      return { days: number(d.days) };
    case "contact_link":
      return { url: d.url.trim() };
  }
}

export function bodyOf(d: OfferDraft): OfferBody {
  return {
    kind: d.kind,
    title: d.title,
    description: d.description.trim() || null,
    params: paramsOf(d),
    reason_ids: d.reasonIds,
    plan: d.plan.trim() || null,
    min_tenure_days: nullableNumber(d.minTenureDays),
    max_tenure_days: nullableNumber(d.maxTenureDays),
    billing_interval: d.billingInterval,
    active: d.active,
  };
}

/** The stored offer as a body again, to change one thing of it (PUT replaces whole). */
export function bodyOfOffer(offer: ApiOffer, changes: Partial<OfferBody> = {}): OfferBody {
  const { id: _id, created_at: _c, updated_at: _u, ...body } = offer;
  return { ...body, ...changes };
}

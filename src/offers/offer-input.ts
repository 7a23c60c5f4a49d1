import type { OfferBody, OfferParamsBody } from "../contract/offers.js";
import type { OfferInput } from "../db/repositories/offers.js";
import type { OfferKind, OfferParams } from "../db/schema.js";
import { AppError } from "../errors.js";

type ParamName = keyof OfferParamsBody;

/** The parameters each kind reads (src/offers/accept.ts); any other one is refused. */
const KIND_PARAMS: Record<OfferKind, readonly ParamName[]> = {
  discount: ["percent_off", "amount_off", "currency", "duration_in_months"],
  pause: ["months"],
  price_switch: ["price_id", "proration"],
  trial_extension: ["days"],
  contact_link: ["url"],
};

/** What each kind cannot go without (a discount's percent-or-amount is checked apart). */
const REQUIRED: Record<OfferKind, readonly ParamName[]> = {
  discount: ["duration_in_months"],
  pause: ["months"],
  price_switch: ["price_id"],
  trial_extension: ["days"],
  contact_link: ["url"],
};

const invalid = (field: string, message: string) =>
  new AppError("validation_error", message, { field: `params.${field}` });

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** The kind's own parameters, checked together; a refusal names `params.<name>`. */
function kindParams(kind: OfferKind, params: OfferParamsBody): OfferParams {
  const allowed = KIND_PARAMS[kind];
  for (const name of Object.keys(params) as ParamName[]) {
    if (!allowed.includes(name)) {
      throw invalid(name, `params.${name} does not apply to a ${kind} offer.`);
    }
  }
  for (const name of REQUIRED[kind]) {
    if (params[name] === undefined) throw invalid(name, `params.${name} is required.`);
  }
  if (kind === "discount") {
    const percent = params.percent_off !== undefined;
    const amount = params.amount_off !== undefined;
    if (percent === amount) {
      throw invalid(
        percent ? "amount_off" : "percent_off",
        "A discount takes either percent_off or amount_off (with its currency), not both.",
      );
    }
    if (amount && params.currency === undefined) {
      throw invalid("currency", "params.currency is required with amount_off.");
    }
    if (percent && params.currency !== undefined) {
      throw invalid("currency", "params.currency goes only with amount_off.");
    }
  }
  if (kind === "contact_link" && !isWebUrl(params.url ?? "")) {
    throw invalid("url", "params.url must be an http or https URL.");
  }
  return {
    ...params,
    ...(params.currency === undefined ? {} : { currency: params.currency.toLowerCase() }),
  };
}

/**
 * A dashboard's offer as stored, or an AppError naming the field: the kind's parameters,
 * tenure bounds in order, and reasons among the account's active ones (`activeReasonIds`).
 */
export function offerInputOf(body: OfferBody, activeReasonIds: ReadonlySet<string>): OfferInput {
  const unknown = body.reason_ids.find((id) => !activeReasonIds.has(id));
  if (unknown !== undefined) {
    throw new AppError(
      "unknown_reason",
      "Every reason_ids entry must be one of this account's active reasons.",
      { field: "reason_ids" },
    );
  }
  const min = body.min_tenure_days ?? null;
  const max = body.max_tenure_days ?? null;
  if (min !== null && max !== null && min > max) {
    throw new AppError("validation_error", "max_tenure_days must not be below min_tenure_days.", {
      field: "max_tenure_days",
    });
  }
  const description = body.description?.trim() || null;
  return {
    kind: body.kind,
    title: body.title.trim(),
    description,
    params: kindParams(body.kind, body.params),
    reason_ids: body.reason_ids,
    plan: body.plan?.trim() ?? null,
    min_tenure_days: min,
    max_tenure_days: max,
    billing_interval: body.billing_interval ?? null,
    active: body.active ?? true,
  };
}

import { type ErrorSink, fail } from "./report.js";

export const DEFAULT_TRIGGER = "#barecancel-trigger";

export interface SendData {
  event_id: string | null;
  kind: "answer" | "skip" | "dismissal" | null;
  reason_id: string | null;
  reason: string | null;
  comment: string | null;
  customer_oid: string;
  subscription_oids: string[];
  test_mode: boolean;
  [field: string]: unknown;
}

export interface RawParams extends ErrorSink {
  [name: string]: unknown;
}

export interface Params extends ErrorSink {
  access_token_id: string;
  customer_oid: string;
  subscription_oids: string[];
  test_mode: boolean;
  comment_required: boolean | string;
  customer_oid_hash?: string;
  locale: string;
  callback_send?: unknown;
  callback_saved?: unknown;
}

/** Read afresh every time: the snippet may replace `window.barecancel` after we loaded. */
export function rawParams(): RawParams | undefined {
  const params = (window as { barecancel?: { params?: unknown } }).barecancel?.params;
  return params && typeof params === "object" ? (params as RawParams) : undefined;
}

export function triggerSelector(raw: RawParams | undefined): string {
  return typeof raw?.trigger === "string" && raw.trigger ? raw.trigger : DEFAULT_TRIGGER;
}

// Ids from a server-side template are often numbers; they mean the same thing as strings.
function id(value: unknown): string | undefined {
  return typeof value === "number" || (typeof value === "string" && value)
    ? String(value)
    : undefined;
}

export function readParams(raw = rawParams()): Params {
  if (!raw) throw fail("invalid_params", "window.barecancel.params is not set");
  const token = id(raw.access_token_id);
  const customer = id(raw.customer_oid);
  let subs = raw.subscription_oids ?? [];
  if (typeof subs === "string") subs = [subs];
  const problem = !token
    ? "access_token_id"
    : !customer
      ? "customer_oid"
      : !Array.isArray(subs) || subs.some((s) => typeof s !== "string")
        ? "subscription_oids"
        : "";
  if (problem) throw fail("invalid_params", `${problem} is missing or invalid`, { field: problem });
  const required = raw.comment_required;
  return {
    access_token_id: token as string,
    customer_oid: customer as string,
    subscription_oids: subs as string[],
    test_mode: raw.test_mode === true,
    comment_required: typeof required === "string" ? required : !!required,
    customer_oid_hash: id(raw.customer_oid_hash),
    locale: String(raw.locale || document.documentElement.lang || navigator.language || "en").slice(
      0,
      35,
    ),
    callback_send: raw.callback_send,
    callback_saved: raw.callback_saved,
    callback_error: raw.callback_error,
  };
}

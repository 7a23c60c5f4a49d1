import type { Params } from "./params.js";
import { fail, type WidgetError } from "./report.js";

export const CONFIG_TIMEOUT = 2000;
// Leaves room within the 3 s promise for callback_send and the navigation after it.
export const STORE_TIMEOUT = 2300;

export type Texts = Record<
  | "title"
  | "subtitle"
  | "reasons_label"
  | "comment_label"
  | "comment_placeholder"
  | "submit"
  | "skip"
  | "close"
  | "reason_required"
  | "comment_required"
  | "sending"
  | "offer_accept"
  | "offer_contact"
  | "offer_decline"
  | "offer_saved"
  | "offer_failed",
  string
>;

export interface Config {
  reasons: { id: string; text: string }[];
  texts: Texts;
  brand?: { color?: string; logo_url?: string | null };
  comment_max_length?: number;
  offers?: boolean;
}

export interface StoredEvent {
  id: string;
  [field: string]: unknown;
}

export let base = "";

/**
 * The server is wherever the script came from. A path before the file name is kept, so a
 * server published under a sub-path (PUBLIC_URL=https://x.example/insights) works too.
 */
export function setBaseFromScript(src: string): void {
  const url = new URL(src, location.href);
  const path = url.pathname.replace(/\/(js\/application|barecancel)\.js$/, "");
  base = url.origin + (path === url.pathname ? "" : path);
}

export function timeout(ms: number, step: string): WidgetError {
  return fail("timeout", `${step} took longer than ${ms} ms`, { step });
}

/** Settles within `ms` whatever `promise` does. */
export function withTimeout<T>(promise: Promise<T>, ms: number, step: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(timeout(ms, step)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export async function call(path: string, init: RequestInit, ms: number, code: string) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    const res = await fetch(base + path, { ...init, credentials: "omit", signal: abort.signal });
    const body = await res.json().catch(() => null);
    if (res.ok && body) return body;
    const error = body?.error ?? {};
    throw fail(code, error.message || `HTTP ${res.status}`, { status: res.status, error });
  } catch (e) {
    if ((e as WidgetError).details) throw e;
    // The step is the code's first word: config, store, offer.
    if (abort.signal.aborted) throw timeout(ms, code.split("_")[0] as string);
    throw fail(code, String((e as Error)?.message || e), { network: true });
  } finally {
    clearTimeout(timer);
  }
}

const configs = new Map<string, Promise<Config>>();

/** One request per token and language for the page's lifetime; failures are retried. */
export function loadConfig(p: Params): Promise<Config> {
  const key = `${p.access_token_id}\n${p.locale}`;
  let config = configs.get(key);
  if (!config) {
    const q = `access_token_id=${encodeURIComponent(p.access_token_id)}&locale=${encodeURIComponent(p.locale)}`;
    config = call(`/api/widget/config?${q}`, {}, CONFIG_TIMEOUT, "config_failed").then(
      (c: Config) => {
        if (!c.reasons?.length || !c.texts) throw fail("config_failed", "no reasons configured");
        return c;
      },
    );
    config.catch(() => configs.delete(key));
    configs.set(key, config);
  }
  return config;
}

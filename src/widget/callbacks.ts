import type { StoredEvent } from "./api.js";
import { withTimeout } from "./api.js";
import type { Choice } from "./modal.js";
import type { Params, SendData } from "./params.js";
import { fail, report } from "./report.js";

const CALLBACK_TIMEOUT = 5000;

/** Calls one of the site's callbacks; a slow or throwing one cannot hold the widget up. */
export async function callSite(p: Params, callback: unknown, data: unknown, step: string) {
  if (typeof callback !== "function") return;
  const run = Promise.resolve()
    .then(() => callback(data))
    .catch((e) => {
      throw fail("callback_failed", String(e?.message || e));
    });
  try {
    await withTimeout(run, CALLBACK_TIMEOUT, step);
  } catch (e) {
    report(p, e);
  }
}

/**
 * The site's own callback. For sites without a link or form it IS the cancel, so it runs
 * even when nothing could be stored.
 */
export function callSend(p: Params, choice: Choice | null, event: StoredEvent | null) {
  const data: SendData = {
    event_id: null,
    kind: null,
    reason_id: null,
    reason: null,
    comment: null,
    customer_oid: p.customer_oid,
    subscription_oids: p.subscription_oids,
    test_mode: p.test_mode,
    ...choice,
    ...event,
  };
  if (event) data.event_id = event.id;
  return callSite(p, p.callback_send, data, "callback_send");
}

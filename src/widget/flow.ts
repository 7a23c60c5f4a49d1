import { CONFIG_TIMEOUT, loadConfig, type StoredEvent, withTimeout } from "./api.js";
import { type Choice, type Modal, openModal } from "./modal.js";
import { type EventBody, storeEvent } from "./outbox.js";
import type { Params, SendData } from "./params.js";
import { fail, report } from "./report.js";

const SEND_TIMEOUT = 5000;

function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join("");
}

function eventBody(p: Params, choice: Choice, key: string): EventBody {
  return {
    access_token_id: p.access_token_id,
    customer_oid: p.customer_oid,
    customer_oid_hash: p.customer_oid_hash,
    subscription_oids: p.subscription_oids,
    test_mode: p.test_mode,
    locale: p.locale,
    idempotency_key: key,
    ...choice,
  };
}

/**
 * The site's own callback. For sites without a link or form it IS the cancel, so it runs
 * even when nothing could be stored; a slow or throwing callback cannot hold the cancel up.
 */
export async function callSend(p: Params, choice: Choice | null, event: StoredEvent | null) {
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
  const send = p.callback_send;
  if (typeof send !== "function") return;
  const run = Promise.resolve()
    .then(() => send(data))
    .catch((e) => {
      throw fail("callback_failed", String(e?.message || e));
    });
  try {
    await withTimeout(run, SEND_TIMEOUT, "callback_send");
  } catch (e) {
    report(p, e);
  }
}

/** Ask, store, tell the site, then let the cancel go on. `proceed` is the cancel itself. */
export async function runFlow(p: Params, trigger: Element, proceed: () => void): Promise<void> {
  let modal: Modal | undefined;
  try {
    const config = await withTimeout(loadConfig(p), CONFIG_TIMEOUT, "config");
    const key = randomKey();
    modal = openModal(config, p.comment_required, trigger);
    const choice = await modal.choice;
    if (!choice) {
      // Closing cancels nothing; the dismissal is only counted, so nobody waits for it. It is
      // kept for a later page like an answer: "stayed" is a number the dashboard shows.
      storeEvent(eventBody(p, { kind: "dismissal" }, key)).catch((e) => report(p, e));
      return;
    }
    let event: StoredEvent | null = null;
    try {
      event = await storeEvent(eventBody(p, choice, key));
    } catch (e) {
      report(p, e);
    }
    await callSend(p, choice, event);
  } catch (e) {
    // No config, no <dialog> support, or a bug of ours: the customer still gets to cancel.
    report(p, e);
    if (!modal) await callSend(p, null, null);
  }
  modal?.close();
  proceed();
}

import { CONFIG_TIMEOUT, loadConfig, withTimeout } from "./api.js";
import { callSend } from "./callbacks.js";
import { type Choice, type Modal, openModal } from "./modal.js";
import { loadOfferStep, offerStep } from "./offer.js";
import { type EventBody, storeEvent } from "./outbox.js";
import type { Params } from "./params.js";
import { report } from "./report.js";

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
 * Ask, store, perhaps offer something, tell the site, then let the cancel go on; a taken
 * offer ends it there. `proceed` is the cancel itself.
 */
export async function runFlow(p: Params, trigger: Element, proceed: () => void): Promise<void> {
  let modal: Modal | undefined;
  try {
    const config = await withTimeout(loadConfig(p), CONFIG_TIMEOUT, "config");
    const key = randomKey();
    modal = openModal(config, p.comment_required, trigger);
    // Fetched while the customer reads the question, so an offer shows without a wait.
    if (config.offers) loadOfferStep().catch(() => {});
    const choice = await modal.choice;
    if (!choice) {
      // Closing cancels nothing; the dismissal is only counted, so nobody waits for it. It is
      // kept for a later page like an answer: "stayed" is a number the dashboard shows.
      storeEvent(eventBody(p, { kind: "dismissal" }, key)).catch((e) => report(p, e));
      return;
    }
    // Stored while the offer is asked for: the answer is kept in storage before it is
    // sent, so neither a taken offer nor a closed tab loses it.
    const stored = storeEvent(eventBody(p, choice, key)).catch((e) => {
      report(p, e);
      return null;
    });
    if (config.offers && choice.reason_id) {
      if (await offerStep(p, modal, config.texts, choice.reason_id)) return modal.close();
    }
    await callSend(p, choice, await stored);
  } catch (e) {
    // No config, no <dialog> support, or a bug of ours: the customer still gets to cancel.
    report(p, e);
    if (!modal) await callSend(p, null, null);
  }
  modal?.close();
  proceed();
}
